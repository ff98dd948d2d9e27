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
        source_doc,
        source_clause,
        cast(is_demo as boolean) as is_demo,
        note
    from source

)

select * from renamed
