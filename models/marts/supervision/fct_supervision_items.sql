{#- The supervision list (督办清单): every indicator value, at any level down to the village, that
    missed its annual target or is off pace for its deadline, with the member units that own it
    in the nearest document jurisdiction, the gap, the clause, and since when it has lagged;
    and every task whose unit reported it 滞后 (lagging) or has not reported a quarter that is
    past its deadline (overdue). -#}
with

indicator_values as (select * from {{ ref('fct_indicator_values') }}),
progress as (select * from {{ ref('fct_indicator_progress') }}),
indicators as (select * from {{ ref('dim_indicators') }}),
targets as (select * from {{ ref('dim_targets') }}),
org_units as (select * from {{ ref('dim_org_units') }}),
member_units as (select * from {{ ref('dim_member_units') }}),
tasks as (select * from {{ ref('dim_tasks') }}),
task_units as (select * from {{ ref('bridge_task_member_units') }}),
task_progress as (select * from {{ ref('fct_task_progress') }}),

assessed as (

    select
        indicator_values.*,
        progress.progress_status,
        case
            when indicator_values.status = 'not_achieved' then true
            when progress.progress_status in ('needs_acceleration', 'limited_progress',
                'deteriorating') then true
            else false
        end as is_lagging
    from indicator_values
    left join progress
        on indicator_values.indicator_code = progress.indicator_code
        and indicator_values.org_unit_code = progress.org_unit_code
        and indicator_values.year = progress.year

),

runs as (

    select
        assessed.*,
        year - row_number() over (
            partition by indicator_code, org_unit_code order by year
        ) as run_key
    from assessed
    where is_lagging

),

lagging as (

    select
        runs.*,
        min(year) over (partition by indicator_code, org_unit_code, run_key) as lagging_since
    from runs

),

jurisdictions as (

    {#- Each unit's nearest document jurisdiction: itself, its county, city or province. -#}
    select
        org_units.org_unit_code,
        coalesce(
            {%- for level in ['org_unit', 'county', 'city', 'province'] %}
            case when {{ level }}_jurisdiction.is_document_jurisdiction
                then {{ level }}_jurisdiction.org_unit_code end{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as jurisdiction_code
    from org_units
    {%- for level in ['org_unit', 'county', 'city', 'province'] %}
    left join org_units as {{ level }}_jurisdiction
        on {{ level }}_jurisdiction.org_unit_code = org_units.{{ level }}_code
    {%- endfor %}

),

owners as (

    select
        indicators.indicator_code,
        member_units.jurisdiction_code,
        {{ dbt.listagg('member_units.name_zh', "'、'", 'order by member_units.member_unit_id') }}
            as responsible_units_zh,
        {{ dbt.listagg('member_units.member_unit_id', "';'", 'order by member_units.member_unit_id') }}
            as responsible_member_units
    from indicators
    inner join member_units
        on position(';' || member_units.agency_code || ';'
            in ';' || indicators.responsible_units || ';') > 0
    group by 1, 2

),

indicator_items as (

    select
        'indicator' || ':' || lagging.indicator_code || ':' || lagging.org_unit_code || ':'
            || cast(lagging.year as varchar(4)) as item_id,
        'indicator' as item_kind,
        jurisdictions.jurisdiction_code,
        lagging.org_unit_code,
        lagging.level,
        lagging.year,
        lagging.indicator_code,
        cast(null as varchar(40)) as task_id,
        lagging.status,
        lagging.progress_status,
        lagging.value,
        lagging.target_value,
        lagging.gap,
        coalesce(owners.responsible_units_zh, indicators.responsible_units_zh)
            as responsible_units_zh,
        owners.responsible_member_units,
        coalesce(targets.source_doc, indicators.source_doc) as source_doc,
        coalesce(targets.source_clause, indicators.source_clause) as source_clause,
        lagging.lagging_since,
        targets.basis as target_basis,
        targets.derivation_note as target_derivation_note,
        targets.derivation_note_en as target_derivation_note_en,
        lagging.is_demo
    from lagging
    inner join indicators on lagging.indicator_code = indicators.indicator_code
    left join jurisdictions on lagging.org_unit_code = jurisdictions.org_unit_code
    left join owners
        on owners.indicator_code = lagging.indicator_code
        and owners.jurisdiction_code = jurisdictions.jurisdiction_code
    left join targets
        on targets.indicator_code = lagging.indicator_code
        and targets.org_unit_code = lagging.target_org_unit_code
        and targets.year = lagging.year

),

expected_reports as (

    {#- Each responsible unit reports each quarter of the task's year, due 15 days after the
        quarter; only quarters whose deadline has passed are expected. -#}
    select tasks.task_id, tasks.jurisdiction_code, tasks.year, task_units.member_unit_id,
        quarters.quarter
    from tasks
    inner join task_units on tasks.task_id = task_units.task_id
    cross join (
        select 1 as quarter union all select 2 union all select 3 union all select 4
    ) as quarters
    where tasks.year between {{ var('first_year') }} and {{ var('last_year') }}
        and cast({{ dbt.dateadd('day', 15, dbt.dateadd('month', '3 * quarters.quarter',
        "cast(cast(tasks.year as varchar(4)) || '-01-01' as date)")) }} as date)
        <= {{ as_of_date() }}

),

reports as (

    select
        expected_reports.*,
        task_progress.status,
        max(case when task_progress.status is not null then expected_reports.quarter end)
            over (partition by expected_reports.task_id, expected_reports.member_unit_id)
            as last_reported_quarter,
        min(case when task_progress.status = 'lagging' then expected_reports.quarter end)
            over (partition by expected_reports.task_id, expected_reports.member_unit_id)
            as first_lagging_quarter,
        bool_or(task_progress.is_demo)
            over (partition by expected_reports.task_id) as is_demo
    from expected_reports
    left join task_progress
        on task_progress.task_id = expected_reports.task_id
        and task_progress.member_unit_id = expected_reports.member_unit_id
        and task_progress.year = expected_reports.year
        and task_progress.quarter = expected_reports.quarter

),

task_items as (

    select
        'task' || ':' || reports.task_id || ':' || reports.member_unit_id || ':'
            || cast(reports.year as varchar(4)) || 'Q' || cast(reports.quarter as varchar(1))
            as item_id,
        'task' as item_kind,
        reports.jurisdiction_code,
        reports.jurisdiction_code as org_unit_code,
        cast(null as varchar(20)) as level,
        reports.year,
        tasks.indicator_code,
        reports.task_id,
        case when reports.status is null then 'overdue' else 'lagging' end as status,
        cast(null as varchar(20)) as progress_status,
        cast(null as decimal(18, 2)) as value,
        cast(null as decimal(18, 2)) as target_value,
        cast(null as decimal(18, 2)) as gap,
        member_units.name_zh as responsible_units_zh,
        reports.member_unit_id as responsible_member_units,
        tasks.source_doc,
        tasks.source_clause,
        reports.year as lagging_since,
        cast(null as varchar(8)) as target_basis,
        cast(null as {{ dbt.type_string() }}) as target_derivation_note,
        cast(null as {{ dbt.type_string() }}) as target_derivation_note_en,
        coalesce(reports.is_demo, false) as is_demo
    from reports
    inner join tasks on reports.task_id = tasks.task_id
    inner join member_units on reports.member_unit_id = member_units.member_unit_id
    where (reports.status = 'lagging' and reports.quarter = reports.last_reported_quarter)
        or (reports.status is null and reports.quarter > coalesce(reports.last_reported_quarter, 0))

),

final as (

    select * from indicator_items
    union all
    select * from task_items

)

select * from final
{{ lookup_order(['jurisdiction_code', 'year', 'org_unit_code']) }}
