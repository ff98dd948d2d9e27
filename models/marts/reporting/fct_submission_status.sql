{#- Reporting "today": macros/as_of_date.sql (var as_of_date pins it; default the current date). -#}
{%- set as_of = as_of_date() -%}

with

schedule as (select * from {{ ref('stg_definitions__submission_schedule') }}),
org_units as (select * from {{ ref('dim_org_units') }}),
manifest as (select * from {{ ref('stg_submissions__manifest') }}),

{#- A year is '2024'; a quarter '2024Q2' (as in the manifest and weibao.submission_types.period_bounds). -#}
{%- set period_ends = [('year', '', '12-31'), ('quarter', 'Q1', '03-31'), ('quarter', 'Q2', '06-30'),
                       ('quarter', 'Q3', '09-30'), ('quarter', 'Q4', '12-31')] -%}

periods as (

    {% for y in range(var('first_year'), var('last_year') + 1) %}
    {%- set outer_last = loop.last %}
    {% for kind, suffix, end in period_ends %}
    select
        '{{ kind }}' as period_kind,
        cast({{ y }} as integer) as year,
        '{{ y }}{{ suffix }}' as period,
        cast('{{ y }}-{{ end }}' as date) as period_end
    {% if not (outer_last and loop.last) %}union all{% endif %}
    {% endfor %}
    {% endfor %}

),

expected as (

    select
        schedule.submission_type,
        schedule.agency_code,
        org_units.org_unit_code as jurisdiction_code,
        cast(periods.period as varchar(10)) as period,
        periods.year,
        cast({{ dbt.dateadd('day', 'schedule.deadline_days', 'periods.period_end') }} as date)
            as deadline
    from schedule
    inner join org_units on org_units.level = schedule.level_of_jurisdiction
    inner join periods on periods.period_kind = schedule.period_kind

),

accepted as (

    select
        submission_type,
        agency_code,
        jurisdiction_code,
        period,
        cast(count(*) as integer) as submission_count,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at,
        bool_or(is_demo) as is_demo
    from manifest
    where status = 'accepted' and not is_withdrawn
    group by 1, 2, 3, 4

),

store as (

    select coalesce(bool_or(is_demo), false) as has_demo
    from manifest
    where status = 'accepted' and not is_withdrawn

),

joined as (

    select
        expected.*,
        accepted.submission_count,
        accepted.first_received_at,
        accepted.last_received_at,
        -- received_at is UTC; a deadline ends at midnight China Standard Time
        cast({{ dbt.dateadd('hour', var('reporting_utc_offset_hours', 8),
                            'accepted.first_received_at') }} as date) as first_received_on,
        coalesce(accepted.is_demo, store.has_demo) as is_demo
    from expected
    left join accepted
        on accepted.submission_type = expected.submission_type
        and accepted.agency_code = expected.agency_code
        and accepted.jurisdiction_code = expected.jurisdiction_code
        and accepted.period = expected.period
    cross join store

),

final as (

    select
        submission_type,
        agency_code,
        jurisdiction_code,
        period,
        year,
        deadline,
        true as expected,
        first_received_at is not null as received,
        case
            when first_received_at is null and deadline >= {{ as_of }} then 'pending'
            when first_received_at is null then 'missing'
            when first_received_on <= deadline then 'on_time'
            else 'late'
        end as status,
        cast(coalesce(submission_count, 0) as integer) as submission_count,
        first_received_at,
        last_received_at,
        cast(case
            when first_received_at is null and deadline < {{ as_of }}
                then {{ dbt.datediff('deadline', as_of, 'day') }}
            when first_received_on > deadline
                then {{ dbt.datediff('deadline', 'first_received_on', 'day') }}
        end as integer) as days_late,
        is_demo
    from joined

)

select * from final
