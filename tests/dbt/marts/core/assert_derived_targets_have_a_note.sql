-- A target a statistician derived must say what was read, and a demo target must be flagged is_demo.
select indicator_code, org_unit_code, year, basis
from {{ ref('dim_targets') }}
where (basis = 'derived' and (coalesce(derivation_note, '') = '' or coalesce(derivation_note_en, '') = ''))
    or ((basis = 'demo') <> is_demo)
    or (basis = 'stated' and coalesce(source_clause, '') = '')
