"""Queries on the published marts that more than one consumer needs (the dashboard's
dashboards/data.py and the brief's weibao/brief/queries.py), kept once so the page and the
printed brief cannot disagree. Each takes (org_unit_code, year) parameters.
"""

# Expected, on time, late, missing and pending per agency and type; quarterly types have a row
# per quarter in fct_reporting_rates, so they are summed over the year here.
REPORTING_COUNTS = """
    select agency_code, submission_type, sum(expected_count) as expected_count,
        sum(received_count) as received_count, sum(on_time_count) as on_time_count,
        sum(late_count) as late_count, sum(missing_count) as missing_count,
        sum(pending_count) as pending_count,
        cast(round(cast(sum(received_count) as decimal(18, 4)) * 100
            / nullif(sum(expected_count), 0), 2) as decimal(18, 2)) as reporting_rate,
        bool_or(is_demo) as is_demo
    from fct_reporting_rates where org_unit_code = ? and year = ?
    group by agency_code, submission_type
    order by agency_code, submission_type
"""

# Missing and late submissions in the unit's counties: missing first, then most overdue.
OVERDUE = """
    select s.jurisdiction_code, c.org_unit_name as county_name, s.agency_code,
        s.submission_type, s.period, s.deadline, s.status, s.days_late,
        s.first_received_at, s.is_demo
    from fct_submission_status s
    join dim_org_units c on c.org_unit_code = s.jurisdiction_code
    where ? in (c.county_code, c.city_code, c.province_code) and s.year = ?
        and s.status in ('missing', 'late')
    order by s.status = 'late', s.days_late desc, s.jurisdiction_code, s.agency_code,
        s.submission_type
"""
