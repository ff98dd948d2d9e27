with

source as (

    {{ latest_submission_rows('staff_checks') }}

),

renamed as (

    select
        submission_id,
        agency_code,
        jurisdiction_code,
        institution_code,
        cast(org_unit_code as varchar(9)) as org_unit_code,
        sector,
        cast(year as integer) as year,
        cast(new_hires as bigint) as new_hires,
        cast(new_hires_checked as bigint) as new_hires_checked,
        cast(staff_in_post as bigint) as staff_in_post,
        cast(staff_checked as bigint) as staff_checked,
        is_demo
    from source

)

select * from renamed
