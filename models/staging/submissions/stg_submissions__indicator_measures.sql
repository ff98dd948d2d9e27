with

source as (

    {{ latest_submission_rows('indicator_measures') }}

),

renamed as (

    select
        submission_id,
        submission_type,
        agency_code,
        jurisdiction_code,
        indicator_code,
        cast(org_unit_code as varchar(12)) as org_unit_code,
        cast(year as integer) as year,
        cast(quarter as integer) as quarter,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        is_demo
    from source

)

select * from renamed
