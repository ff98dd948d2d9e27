with

source as (

    select * from {{ ref('targets') }}

),

renamed as (

    select
        indicator_code,
        cast(org_unit_code as varchar(12)) as org_unit_code,
        cast(year as integer) as year,
        comparator,
        cast(target_value as decimal(18, 2)) as target_value,
        cast(target_value_high as decimal(18, 2)) as target_value_high,
        cast(baseline_year as integer) as baseline_year,
        cast(source_doc as {{ dbt.type_string() }}) as source_doc,
        cast(source_clause as {{ dbt.type_string() }}) as source_clause,
        cast(is_demo as boolean) as is_demo,
        cast(basis as varchar(8)) as basis,
        cast(derivation_note as {{ dbt.type_string() }}) as derivation_note,
        cast(derivation_note_en as {{ dbt.type_string() }}) as derivation_note_en,
        cast(note as {{ dbt.type_string() }}) as note
    from source

)

select * from renamed
