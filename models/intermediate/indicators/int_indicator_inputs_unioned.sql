{#- Every indicator at its base level, one row per org unit and year, with the ancestor codes
    the roll-up needs. Village and township coverage count every unit of a county that
    submitted that year: a village missing from the file counts as uncovered. -#}
with

org_units as (select * from {{ ref('stg_reference__org_units') }}),
approvals as (select * from {{ ref('int_submission_approvals') }}),
{%- for name, model in [
    ('directors', 'stg_submissions__child_directors'),
    ('supervisors', 'stg_submissions__child_supervisors'),
    ('staff_checks', 'stg_submissions__staff_checks'),
    ('orphan_foster', 'stg_submissions__orphan_foster'),
] %}
{{ name }} as (

    select submitted.*, approvals.approval_status = 'approved' as is_approved
    from {{ ref(model) }} as submitted
    left join approvals on submitted.submission_id = approvals.submission_id

),
{%- endfor %}
generic as (select * from {{ ref('int_indicator_measures_annual') }}),

director_counties as (

    select
        org_units.county_code,
        directors.year,
        bool_or(directors.is_demo) as is_demo,
        {{ approval_flags('directors.is_approved') }}
    from directors
    inner join org_units on directors.org_unit_code = org_units.org_unit_code
    group by 1, 2

),

supervisor_counties as (

    select
        org_units.county_code,
        supervisors.year,
        bool_or(supervisors.is_demo) as is_demo,
        {{ approval_flags('supervisors.is_approved') }}
    from supervisors
    inner join org_units on supervisors.org_unit_code = org_units.org_unit_code
    group by 1, 2

),

village_directors as (

    select
        'child_director_coverage' as indicator_code,
        villages.org_unit_code,
        director_counties.year,
        case when coalesce(directors.child_director_count, 0) >= 1 then 1 else 0 end as numerator,
        1 as denominator,
        cast(null as decimal(18, 2)) as value,
        director_counties.is_demo,
        director_counties.all_approved,
        director_counties.any_approved
    from director_counties
    inner join org_units as villages
        on villages.county_code = director_counties.county_code and villages.level = 'village'
    left join directors
        on directors.org_unit_code = villages.org_unit_code
        and directors.year = director_counties.year

),

township_supervisors as (

    select
        'child_supervisor_coverage' as indicator_code,
        townships.org_unit_code,
        supervisor_counties.year,
        case
            when coalesce(supervisors.child_supervisor_count, 0) >= 1 then 1 else 0
        end as numerator,
        1 as denominator,
        cast(null as decimal(18, 2)) as value,
        supervisor_counties.is_demo,
        supervisor_counties.all_approved,
        supervisor_counties.any_approved
    from supervisor_counties
    inner join org_units as townships
        on townships.county_code = supervisor_counties.county_code
        and townships.level = 'township'
    left join supervisors
        on supervisors.org_unit_code = townships.org_unit_code
        and supervisors.year = supervisor_counties.year

),

staff_by_township as (

    select
        org_unit_code,
        year,
        sum(new_hires_checked) as new_hires_checked,
        sum(new_hires) as new_hires,
        sum(staff_checked) as staff_checked,
        sum(staff_in_post) as staff_in_post,
        bool_or(is_demo) as is_demo,
        {{ approval_flags('is_approved') }}
    from staff_checks
    group by 1, 2

),

unioned as (

    select * from village_directors
    union all
    select * from township_supervisors
    union all
    select 'staff_check_hire_rate', org_unit_code, year, new_hires_checked, new_hires,
        cast(null as decimal(18, 2)), is_demo, all_approved, any_approved
    from staff_by_township
    union all
    select 'staff_check_annual_rate', org_unit_code, year, staff_checked, staff_in_post,
        cast(null as decimal(18, 2)), is_demo, all_approved, any_approved
    from staff_by_township
    union all
    select 'foster_family_compliance', org_unit_code, year, foster_families_compliant,
        foster_families, cast(null as decimal(18, 2)), is_demo,
        coalesce(is_approved, false), coalesce(is_approved, false)
    from orphan_foster
    union all
    select indicator_code, org_unit_code, year, numerator, denominator,
        cast(null as decimal(18, 2)), is_demo, all_approved, any_approved
    from generic
    union all
    select 'orphan_centralized_standard', org_unit_code, year, null, null,
        orphan_centralized_standard, is_demo,
        coalesce(is_approved, false), coalesce(is_approved, false)
    from orphan_foster
    union all
    select 'orphan_scattered_standard', org_unit_code, year, null, null,
        orphan_scattered_standard, is_demo,
        coalesce(is_approved, false), coalesce(is_approved, false)
    from orphan_foster

),

final as (

    select
        unioned.indicator_code,
        unioned.org_unit_code,
        unioned.year,
        cast(unioned.numerator as bigint) as numerator,
        cast(unioned.denominator as bigint) as denominator,
        unioned.value,
        unioned.is_demo,
        unioned.all_approved,
        unioned.any_approved,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        org_units.village_code
    from unioned
    inner join org_units on unioned.org_unit_code = org_units.org_unit_code

)

select * from final
