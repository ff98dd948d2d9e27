-- Status and gap are computed separately; a met target with a gap, or a zero gap that is not met, means they disagree.
select indicator_code, org_unit_code, year, status, gap
from {{ ref('fct_indicator_values') }}
where (status = 'achieved' and gap <> 0)
    or (status = 'not_achieved' and (gap is null or gap = 0))
