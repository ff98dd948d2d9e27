with

tasks as (select * from {{ ref('tasks') }}),

final as (

    select
        task_id,
        cast(jurisdiction_code as varchar(12)) as jurisdiction_code,
        cast(year as integer) as year,
        title_zh,
        cast(detail_zh as {{ dbt.type_string() }}) as detail_zh,
        cast(protection_domain as {{ dbt.type_string() }}) as protection_domain,
        responsible_units,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        source_doc,
        source_clause
    from tasks

)

select * from final
