with

policy_documents as (select * from {{ ref('policy_documents') }}),

final as (

    select
        source_doc,
        title_zh,
        cast(doc_number as {{ dbt.type_string() }}) as doc_number,
        issuer_zh,
        cast(jurisdiction_code as varchar(12)) as jurisdiction_code,
        cast(issued_on as date) as issued_on
    from policy_documents

)

select * from final
