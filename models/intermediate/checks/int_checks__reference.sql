-- The reference family: REF-01 code well-formed, REF-02 code exists for the fiscal year, REF-03 parent exists,
-- REF-04 printed name = reference name or a known alias, REF-05 one code has one name within the disclosure.
-- Codes come from the functional tables (T2 ... T9, with the 类 / 款 names printed beside a line), the glossary
-- (名词解释), the narrative (subject_type function / economic) and the basic-expenditure table (T6).
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

disclosures as (
    select
        disclosure_id,
        fiscal_year
    from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

function_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__function_lines')) }}
),

code_definitions as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__code_definitions')) }}
),

economic_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__economic_lines')) }}
),

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted and subject_type in ('function', 'economic')
),

functional_codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
),

functional_aliases as (
    select * from {{ ref('stg_reference__functional_code_aliases') }}
),

known_aliases as (
    select distinct
        function_code,
        alias_name
    from functional_aliases
),

economic_codes as (
    select * from {{ ref('stg_reference__economic_codes') }}
),

parent_name_lists as (
    select
        disclosure_id,
        lei_code,
        kuan_code,
        source_section,
        is_accepted,
        {{ regex_split('parent_names_printed', "'\\s*/\\s*'") }} as name_list,
        -- a 项 line prints its 类 and 款, a 款 line its 类
        case function_level when '项' then 2 when '款' then 1 end as expected_name_count
    from function_lines
    where parent_names_printed is not null
),

parent_name_levels as (
    select
        *,
        {{ unnest_list(integer_series(1, 'expected_name_count'), 'ancestor_level') }}
    from parent_name_lists
    where {{ list_length("name_list") }} = expected_name_count
),

parent_names as (
    select
        disclosure_id,
        source_section,
        is_accepted,
        case ancestor_level when 1 then lei_code when 2 then kuan_code end as ancestor_code,
        trim({{ list_element('name_list', 'ancestor_level') }}) as printed_name
    from parent_name_levels
),

-- every code the disclosure prints, with the name printed beside it. Rejected raw rows are kept for REF-01
-- (a malformed code is a finding, not a reason to look away); the name checks use accepted rows only.
printed_codes as (
    select
        disclosure_id,
        'function' as code_kind,
        function_code as code,
        function_name_printed as printed_name,
        'table' as name_source,
        source_section,
        is_accepted
    from function_lines
    union all
    -- the 类 / 款 names printed with a line ("社会保障和就业 / 人力资源和社会保障管理事务")
    select
        parent_names.disclosure_id,
        'function' as code_kind,
        parent_names.ancestor_code as code,
        parent_names.printed_name,
        'table_parent_names' as name_source,
        parent_names.source_section,
        parent_names.is_accepted
    from parent_names
    union all
    select
        disclosure_id,
        'function' as code_kind,
        function_code as code,
        function_name_printed as printed_name,
        'glossary' as name_source,
        source_section,
        is_accepted
    from code_definitions
    union all
    select
        disclosure_id,
        'economic' as code_kind,
        economic_code as code,
        economic_name_printed as printed_name,
        'table' as name_source,
        source_section,
        is_accepted
    from economic_lines
    union all
    -- narrative headings print "一般公共服务（类）支出": the name is what precedes the level mark
    select
        disclosure_id,
        subject_type as code_kind,
        subject_code as code,
        trim(regexp_replace(subject_name, '\s*[（(](类|款|项)[）)].*$', '')) as printed_name,
        'narrative' as name_source,
        section as source_section,
        is_accepted
    from figures
),

codes_in_disclosures as {{ materialized_cte() }} (
    select
        printed_codes.*,
        disclosures.fiscal_year,
        case printed_codes.code_kind
            when 'function' then {{ is_function_code('printed_codes.code') }}
            else {{ is_economic_code('printed_codes.code') }}
        end as is_well_formed
    from printed_codes
    inner join disclosures on printed_codes.disclosure_id = disclosures.disclosure_id
    where printed_codes.code is not null
),

distinct_codes as {{ materialized_cte() }} (
    select
        disclosure_id,
        fiscal_year,
        code_kind,
        code,
        bool_and(is_well_formed) as is_well_formed,
        bool_or(is_accepted) as is_on_accepted_row,
        {{ string_agg_distinct_sorted('source_section', "'; '") }} as source_sections
    from codes_in_disclosures
    group by disclosure_id, fiscal_year, code_kind, code
),

looked_up as {{ materialized_cte() }} (
    select
        distinct_codes.*,
        case distinct_codes.code_kind
            when 'function' then {{ function_parent_code('distinct_codes.code') }}
            else case length(distinct_codes.code) when 5 then left(distinct_codes.code, 3) end
        end as parent_code,
        coalesce(functional_codes.function_name, economic_codes.economic_name) as reference_name,
        functional_codes.function_code is not null or economic_codes.economic_code is not null as is_in_reference
    from distinct_codes
    left join functional_codes
        on
            distinct_codes.code_kind = 'function'
            and distinct_codes.code = functional_codes.function_code
            and distinct_codes.fiscal_year = functional_codes.fiscal_year
    left join economic_codes
        on
            distinct_codes.code_kind = 'economic'
            and distinct_codes.code = economic_codes.economic_code
),

with_parent as (
    select
        looked_up.*,
        parent_functional.function_code is not null or parent_economic.economic_code is not null
            as is_parent_in_reference
    from looked_up
    left join functional_codes as parent_functional
        on
            looked_up.code_kind = 'function'
            and looked_up.parent_code = parent_functional.function_code
            and looked_up.fiscal_year = parent_functional.fiscal_year
    left join economic_codes as parent_economic
        on
            looked_up.code_kind = 'economic'
            and looked_up.parent_code = parent_economic.economic_code
),

ref_01 as (
    select
        disclosure_id,
        'REF-01' as rule_id,
        code_kind || ':' || code as subject,
        code as subject_name,
        cast(length(code) as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '位' as unit,
        case when is_well_formed then 'pass' else 'fail' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when is_well_formed then null
            when code_kind = 'function' then '功能分类编码 ' || code || ' 应为 3、5 或 7 位数字'
            else '经济分类编码 ' || code || ' 应为 3 或 5 位数字'
        end as note_zh,
        case
            when is_well_formed then null
            when code_kind = 'function' then 'a functional code has 3, 5 or 7 digits, not ' || code
            else 'an economic code has 3 or 5 digits, not ' || code
        end as note_en,
        source_sections
    from distinct_codes
),

ref_02 as (
    select
        disclosure_id,
        'REF-02' as rule_id,
        code_kind || ':' || code as subject,
        coalesce(code || ' ' || reference_name, code) as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case when is_in_reference then 'pass' else 'fail' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when is_in_reference then null
            when code_kind = 'function' then '编码 ' || code || ' 不在 ' || fiscal_year || ' 年度的功能分类科目中'
            else '编码 ' || code || ' 不在经济分类科目中'
        end as note_zh,
        case
            when is_in_reference then null
            when
                code_kind = 'function'
                then 'code ' || code || ' is not in the functional classification of ' || fiscal_year
            else 'code ' || code || ' is not in the economic classification'
        end as note_en,
        source_sections
    from looked_up
    where is_well_formed and is_on_accepted_row
),

ref_03 as (
    select
        disclosure_id,
        'REF-03' as rule_id,
        code_kind || ':' || code as subject,
        code || ' → ' || parent_code as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case when is_parent_in_reference then 'pass' else 'fail' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when is_parent_in_reference then null
            when code_kind = 'function' then '上级科目 ' || parent_code || ' 不在 ' || fiscal_year || ' 年度的功能分类科目中'
            else '上级科目 ' || parent_code || ' 不在经济分类科目中'
        end as note_zh,
        case
            when is_parent_in_reference then null
            when
                code_kind = 'function'
                then 'the parent ' || parent_code || ' is not in the functional classification of ' || fiscal_year
            else 'the parent ' || parent_code || ' is not in the economic classification'
        end as note_en,
        source_sections
    from with_parent
    where is_well_formed and is_on_accepted_row and parent_code is not null
),

-- names printed on accepted rows, one row per code x where it is printed x name
printed_names as {{ materialized_cte() }} (
    select
        codes_in_disclosures.disclosure_id,
        codes_in_disclosures.code_kind,
        codes_in_disclosures.code,
        codes_in_disclosures.name_source,
        codes_in_disclosures.printed_name,
        looked_up.reference_name,
        looked_up.is_in_reference,
        -- a join, not exists(): Spark cannot plan a correlated exists beside a group by
        bool_or(known_aliases.function_code is not null) as is_known_alias,
        {{ string_agg_distinct_sorted('codes_in_disclosures.source_section', "'; '") }} as source_sections
    from codes_in_disclosures
    inner join looked_up
        on
            codes_in_disclosures.disclosure_id = looked_up.disclosure_id
            and codes_in_disclosures.code_kind = looked_up.code_kind
            and codes_in_disclosures.code = looked_up.code
    left join known_aliases
        on
            codes_in_disclosures.code_kind = 'function'
            and codes_in_disclosures.code = known_aliases.function_code
            and codes_in_disclosures.printed_name = known_aliases.alias_name
    where
        codes_in_disclosures.is_accepted
        and codes_in_disclosures.is_well_formed
        and nullif(codes_in_disclosures.printed_name, '') is not null
        -- a "name" that is only the code again (or any bare number) is no name at all
        and not {{ regex_full_match("codes_in_disclosures.printed_name", "'[0-9]+'") }}
    group by
        codes_in_disclosures.disclosure_id,
        codes_in_disclosures.code_kind,
        codes_in_disclosures.code,
        codes_in_disclosures.name_source,
        codes_in_disclosures.printed_name,
        looked_up.reference_name,
        looked_up.is_in_reference
),

ref_04 as (
    select
        disclosure_id,
        'REF-04' as rule_id,
        code_kind || ':' || code || ':' || name_source || ':' || printed_name as subject,
        code || ' ' || printed_name as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case
            when not is_in_reference then 'insufficient_data'
            when printed_name = reference_name or is_known_alias then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when not is_in_reference then '编码不在参照表中，无从比较名称'
            when printed_name = reference_name then null
            when is_known_alias then '“' || printed_name || '”是“' || reference_name || '”的已知别名'
            else '列示名称“' || printed_name || '”，标准名称“' || reference_name || '”'
        end as note_zh,
        case
            when not is_in_reference then 'the code is not in the reference: no name to compare with'
            when printed_name = reference_name then null
            when is_known_alias then '"' || printed_name || '" is a known alias of "' || reference_name || '"'
            else 'printed "' || printed_name || '", reference name "' || reference_name || '"'
        end as note_en,
        source_sections
    from printed_names
),

-- REF-05: a known alias counts as the reference name, so a document that prints 社会保障和就业 and
-- 社会保障和就业支出 names one thing once; two names outside the reference and its aliases are two names
names_per_code as (
    select
        disclosure_id,
        code_kind,
        code,
        {{ count_distinct_values('case when is_known_alias then reference_name else printed_name end') }} as name_count,
        {{ string_agg_distinct_sorted('source_sections', "'; '") }} as source_sections
    from printed_names
    group by disclosure_id, code_kind, code
),

-- the names listed only where there are several, for the note of a failing REF-05: listing them for every
-- code cost a third of this model at 10,000 disclosures
names_listed as (
    select
        printed_names.disclosure_id,
        printed_names.code_kind,
        printed_names.code,
        {{ string_agg_distinct_sorted(
            "printed_names.printed_name || '（' || case printed_names.name_source
                when 'table' then '表格'
                when 'table_parent_names' then '表格所列类款名称'
                when 'glossary' then '名词解释'
                else '文字说明'
            end || '）'",
            "'、'"
        ) }} as names_printed_zh,
        {{ string_agg_distinct_sorted(
            "printed_names.printed_name || ' (' || printed_names.name_source || ')'", "', '"
        ) }} as names_printed_en
    from printed_names
    inner join names_per_code
        on
            printed_names.disclosure_id = names_per_code.disclosure_id
            and printed_names.code_kind = names_per_code.code_kind
            and printed_names.code = names_per_code.code
    where names_per_code.name_count > 1
    group by printed_names.disclosure_id, printed_names.code_kind, printed_names.code
),

ref_05 as (
    select
        names_per_code.disclosure_id,
        'REF-05' as rule_id,
        names_per_code.code_kind || ':' || names_per_code.code as subject,
        names_per_code.code as subject_name,
        cast(names_per_code.name_count as decimal(38, 10)) as provided_value,
        cast(1 as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '个名称' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when names_per_code.name_count > 1 then '同一编码列示了不同名称：' || names_listed.names_printed_zh
        end as note_zh,
        case
            when
                names_per_code.name_count > 1
                then 'the code is printed with different names: ' || names_listed.names_printed_en
        end as note_en,
        names_per_code.source_sections
    from names_per_code
    left join names_listed
        on
            names_per_code.disclosure_id = names_listed.disclosure_id
            and names_per_code.code_kind = names_listed.code_kind
            and names_per_code.code = names_listed.code
),

final as (
    {{ union_check_rows(['ref_01', 'ref_02', 'ref_03', 'ref_04', 'ref_05']) }}
)

select * from final
