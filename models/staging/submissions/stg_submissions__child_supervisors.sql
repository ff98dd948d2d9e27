with

source as (

    {{ latest_submission_rows('child_supervisors') }}

),

renamed as (

    select
        submission_id,
        agency_code,
        jurisdiction_code,
        cast(org_unit_code as varchar(9)) as org_unit_code,
        cast(year as integer) as year,
        cast(child_supervisor_count as integer) as child_supervisor_count,
        is_demo
    from source

)

select * from renamed
