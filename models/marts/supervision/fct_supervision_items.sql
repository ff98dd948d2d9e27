{#- The supervision list (督办清单): every indicator value at township level or above that
    missed its annual target or is off pace for its deadline, with the member units that own it
    in the nearest document jurisdiction, the gap, the clause, and since when it has lagged. -#}
with

indicator_values as (select * from {{ ref('fct_indicator_values') }}),
progress as (select * from {{ ref('fct_indicator_progress') }}),
indicators as (select * from {{ ref('dim_indicators') }}),
targets as (select * from {{ ref('dim_targets') }}),
org_units as (select * from {{ ref('dim_org_units') }}),
member_units as (select * from {{ ref('dim_member_units') }}),

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
    where indicator_values.level <> 'village'

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

final as (

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

)

select * from final
