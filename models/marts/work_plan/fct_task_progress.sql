with

reports as (select * from {{ ref('stg_submissions__task_progress') }}),

final as (

    select
        task_id,
        member_unit_id,
        year,
        quarter,
        cast(year as varchar(4)) || 'Q' || cast(quarter as varchar(1)) as period,
        status,
        note,
        received_at,
        is_demo
    from reports

)

select * from final
