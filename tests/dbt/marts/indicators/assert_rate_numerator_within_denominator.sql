-- A rate counts part of a whole: more villages with a director than villages means a broken roll-up.
select v.indicator_code, v.org_unit_code, v.year, v.numerator, v.denominator
from {{ ref('fct_indicator_values') }} as v
inner join {{ ref('dim_indicators') }} as i on v.indicator_code = i.indicator_code
where i.value_kind = 'rate' and v.numerator > v.denominator
