with

source as (

    {{ latest_submission_rows('task_progress') }}

),

renamed as (

    select
        submission_id,
        agency_code,
        jurisdiction_code,
        jurisdiction_code || '.' || agency_code as member_unit_id,
        task_id,
        cast(year as integer) as year,
        cast(quarter as integer) as quarter,
        status,
        note,
        received_at,
        is_demo
    from source

)

select * from renamed
