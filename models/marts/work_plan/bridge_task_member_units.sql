{#- One row per task and responsible unit, from the ';'-joined list in the task seed. The
    delimiters around both sides keep `330483.education` from matching a longer id. -#}
with

tasks as (select * from {{ ref('dim_tasks') }}),
member_units as (select * from {{ ref('dim_member_units') }}),

final as (

    select
        tasks.task_id,
        member_units.member_unit_id
    from tasks
    inner join member_units
        on position(';' || member_units.member_unit_id || ';'
            in ';' || tasks.responsible_units || ';') > 0

)

select * from final
