with

source as (

    {{ latest_submission_rows('child_directors') }}

),

renamed as (

    select
        submission_id,
        agency_code,
        jurisdiction_code,
        cast(org_unit_code as varchar(12)) as org_unit_code,
        cast(year as integer) as year,
        cast(child_director_count as integer) as child_director_count,
        is_demo
    from source

)

select * from renamed
