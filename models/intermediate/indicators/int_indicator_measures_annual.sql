{#- The year's figure for each generic indicator and unit: annual submissions as they are;
    quarterly ones are cumulative, so the year's figure is the latest quarter received. -#}
with

measures as (select * from {{ ref('stg_submissions__indicator_measures') }}),
approvals as (select * from {{ ref('int_submission_approvals') }}),

latest_quarter as (

    select indicator_code, org_unit_code, year, max(quarter) as quarter
    from measures
    where quarter is not null
    group by 1, 2, 3

),

final as (

    select
        measures.indicator_code,
        measures.org_unit_code,
        measures.year,
        cast(sum(measures.numerator) as bigint) as numerator,
        cast(sum(measures.denominator) as bigint) as denominator,
        bool_or(measures.is_demo) as is_demo,
        {{ approval_flags("approvals.approval_status = 'approved'") }}
    from measures
    left join approvals on measures.submission_id = approvals.submission_id
    left join latest_quarter
        on measures.indicator_code = latest_quarter.indicator_code
        and measures.org_unit_code = latest_quarter.org_unit_code
        and measures.year = latest_quarter.year
    where measures.quarter is null or measures.quarter = latest_quarter.quarter
    group by 1, 2, 3

)

select * from final
