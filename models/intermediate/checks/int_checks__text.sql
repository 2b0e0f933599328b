-- What the words say: TXT-01 决算数大于 / 小于 / 等于 / 持平 预算数, TXT-02 增加 / 减少 / 增长 / 下降 / 持平 against the
-- change, TXT-03 the years named, TXT-04 the department named, TXT-05 template text left in, TXT-06 a
-- percentage printed without %, TXT-07 the 人员经费 / 公用经费 items listed against T6.
-- Subjects end in the figure id (N..-..) or the text id (X...) the finding is about: its evidence.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

texts as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__document_texts')) }}
    where is_accepted
),

disclosures as (
    select * from {{ changed_disclosures_only(ref('dim_disclosure')) }}
),

department_aliases as (
    select * from {{ ref('ref_department_aliases') }}
),

economic as (
    select * from {{ changed_disclosures_only(ref('fct_basic_expenditure_by_economic_class')) }}
),

-- TXT-01 -------------------------------------------------------------------------------------------
budget_word_statements as (
    select * from narrative
    where
        metric = 'amount'
        and direction_word in ('大于', '高于', '小于', '低于', '等于', '相等', '一致', '持平', '基本持平')
),

-- the budget the word compares with: the last one stated before it, in the same section, of the kind declared
budget_before as (
    select
        actual.disclosure_id,
        actual.figure_id,
        {{ value_at_max("budget.value_wan_yuan", "budget.figure_id") }} as budget_amount
    from budget_word_statements as actual
    left join narrative as budget
        on
            actual.disclosure_id = budget.disclosure_id
            and actual.section = budget.section
            and actual.denominator || ':' || actual.subject_code = budget.subject_code
            and actual.figure_id > budget.figure_id
    group by actual.disclosure_id, actual.figure_id
),

budget_words as (
    select
        actual.*,
        budget_before.budget_amount
    from budget_word_statements as actual
    inner join budget_before
        on actual.disclosure_id = budget_before.disclosure_id and actual.figure_id = budget_before.figure_id
),

budget_word_rows as (
    select
        disclosure_id,
        'TXT-01' as rule_id,
        subject_code || ':' || figure_id as subject,
        subject_name || ' 决算数' || direction_word || '预算数（' || section || '）' as subject_name,
        value_wan_yuan as provided_value,
        budget_amount as expected_value,
        case when direction_word = '基本持平' then abs(budget_amount) * 0.01 else 0 end as tolerance,
        '万元' as unit,
        case
            when budget_amount is null then 'insufficient_data'
            when direction_word in ('大于', '高于') and value_wan_yuan > budget_amount then 'pass'
            when direction_word in ('小于', '低于') and value_wan_yuan < budget_amount then 'pass'
            when direction_word in ('大于', '高于', '小于', '低于') then 'fail'
            when value_wan_yuan = budget_amount then 'pass'
            when direction_word = '基本持平' and abs(value_wan_yuan - budget_amount) <= abs(budget_amount) * 0.01
                then 'rounding'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when budget_amount is null then '同段未列示预算数'
            else '文字称决算数' || direction_word || '预算数'
        end as note_zh,
        case
            when budget_amount is null then 'the paragraph states no budget'
            else 'the text says the actual is ' || direction_word || ' the budget'
        end as note_en,
        section as source_sections
    from budget_words
),

-- TXT-02 -------------------------------------------------------------------------------------------
change_statements as (
    select * from narrative
    where metric in ('change_amount', 'change_pct') and direction_word is not null
),

-- the words of the other half of the same change (增加 7.20 万元 / 下降 5.1%): they must agree
paired_words as (
    select
        change_statement.disclosure_id,
        change_statement.figure_id,
        {{ string_agg_distinct_sorted("other.direction_word", "'、'") }} as paired_words
    from change_statements as change_statement
    left join change_statements as other
        on
            change_statement.disclosure_id = other.disclosure_id
            and change_statement.section = other.section
            and change_statement.subject_code = other.subject_code
            and change_statement.metric != other.metric
            and coalesce(change_statement.comparison_year, 0) = coalesce(other.comparison_year, 0)
    group by change_statement.disclosure_id, change_statement.figure_id
),

change_words as (
    select
        change_statement.*,
        paired_words.paired_words
    from change_statements as change_statement
    inner join paired_words
        on
            change_statement.disclosure_id = paired_words.disclosure_id
            and change_statement.figure_id = paired_words.figure_id
),

change_word_rows as (
    select
        disclosure_id,
        'TXT-02' as rule_id,
        subject_code || ':' || metric || ':' || figure_id as subject,
        subject_name || ' ' || direction_word || '（' || section || '）' as subject_name,
        figure_value as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        unit,
        case
            when direction_word in ('持平', '基本持平', '无变化') and figure_value != 0 then 'fail'
            when direction_word not in ('持平', '基本持平', '无变化') and figure_value = 0 then 'fail'
            when figure_value < 0 then 'fail'
            when
                direction_word in ('增加', '增长', '上升')
                and {{ regex_contains("coalesce(paired_words, '')", "'减少|下降|降低|持平'") }}
                then 'fail'
            when
                direction_word in ('减少', '下降', '降低')
                and {{ regex_contains("coalesce(paired_words, '')", "'增加|增长|上升|持平'") }}
                then 'fail'
            when direction_word in ('持平', '无变化') and {{ regex_contains("coalesce(paired_words, '')", "'增|减|降'") }}
                then 'fail'
            else 'pass'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when direction_word in ('持平', '基本持平', '无变化') and figure_value != 0
                then '称' || direction_word || '却列示变动 ' || value_printed
            when figure_value = 0 then '称' || direction_word || '而变动为 0'
            when figure_value < 0 then '变动以负数列示，与“' || direction_word || '”重复或矛盾'
            when paired_words is not null then '同句另称' || paired_words
        end as note_zh,
        case
            when direction_word in ('持平', '基本持平', '无变化') and figure_value != 0
                then 'says unchanged but states ' || value_printed
            when figure_value = 0 then 'says ' || direction_word || ' but the change is 0'
            when figure_value < 0 then 'a negative change after the word ' || direction_word
            when paired_words is not null then 'the same sentence also says ' || paired_words
        end as note_en,
        section as source_sections
    from change_words
),

-- TXT-03 -------------------------------------------------------------------------------------------
year_lists as (
    select
        texts.disclosure_id,
        texts.text_id,
        texts.text_kind,
        texts.section,
        texts.text_printed,
        disclosures.fiscal_year,
        {{ regex_extract_all(
            "texts.text_printed", "'(?:与|比|较)?(?:19|20)[0-9]{2}年度?|(?:^|[^0-9])(?:19|20)[0-9]{2}$'"
        ) }} as year_texts
    from texts
    inner join disclosures on texts.disclosure_id = disclosures.disclosure_id
),

year_mentions as (
    select
        disclosure_id,
        text_id,
        text_kind,
        section,
        text_printed,
        fiscal_year,
        {{ unnest_list('year_texts', 'year_text', 'mention_no') }}
    from year_lists
),

years_named as (
    select
        *,
        cast({{ regex_extract("year_text", "'((19|20)[0-9]{2})'", 1) }} as integer) as year_printed,
        {{ regex_contains("year_text", "'^(与|比|较)'") }} as is_comparison
    from year_mentions
),

year_rows as (
    select
        disclosure_id,
        'TXT-03' as rule_id,
        text_id || ':' || mention_no || ':' || text_id as subject,
        case when is_comparison then '比较年度' else '所述年度' end
        || '（' || coalesce(section, text_kind) || '）' as subject_name,
        cast(year_printed as decimal(38, 10)) as provided_value,
        cast(case when is_comparison then fiscal_year - 1 else fiscal_year end as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '年' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when is_comparison then '比较年度应为决算年度的上一年' else '应为决算年度' end as note_zh,
        case when is_comparison then 'a comparison names the fiscal year − 1' else 'names the fiscal year' end
            as note_en,
        coalesce(section, text_kind) as source_sections
    from years_named
    -- a year in a sentence that is not a 年度 or a comparison (单位于2024年成立) is a date of an event
    where
        text_kind != 'sentence'
        or is_comparison
        or {{ regex_contains("text_printed", "'(19|20)[0-9]{2}年度|截至(19|20)[0-9]{2}年'") }}
),

-- TXT-04 -------------------------------------------------------------------------------------------
departments_named as (
    select
        texts.disclosure_id,
        texts.text_id,
        texts.text_kind,
        texts.section,
        texts.text_printed,
        disclosures.department_name,
        case
            when texts.text_kind = 'title' then texts.text_printed
            when texts.text_kind = 'heading' and {{ regex_contains("texts.text_printed", "'^第[一二三四五六七八九十]+部分'") }}
                -- the first quantifier lazy too: PostgreSQL gives a pattern the greediness of its first one
                then {{ regex_extract(
                    "texts.text_printed",
                    "'^第[一二三四五六七八九十]+?部分(.+?)(((19|20)[0-9]{2})?年度)?(部门决算|概况|情况说明|单位决算)'",
                    1
                ) }}
            when texts.text_kind = 'table_header'
                then {{ regex_extract("texts.text_printed", "'^编制单位[:：](.+?)(单位[:：].*)?$'", 1) }}
            when texts.text_kind = 'sentence'
                then {{ regex_extract(
                    "texts.text_printed",
                    "'^(.{4,30}?(局|部|委员会|委|办公室|院|中心|厅|会|所|站|处|馆))(19|20)[0-9]{2}年度'",
                    1
                ) }}
        end as name_printed
    from texts
    inner join disclosures on texts.disclosure_id = disclosures.disclosure_id
),

-- a name printed is the department's when it is its name or a known alias (a title may say more around it)
departments_matched as (
    select
        named.*,
        count(department_aliases.alias) > 0 as is_alias
    from departments_named as named
    left join department_aliases
        on
            named.department_name = department_aliases.department_name
            and (
                named.name_printed = department_aliases.alias
                or (named.text_kind = 'title' and position(department_aliases.alias in named.name_printed) > 0)
            )
    where coalesce(named.name_printed, '') != ''
    group by
        named.disclosure_id,
        named.text_id,
        named.text_kind,
        named.section,
        named.text_printed,
        named.department_name,
        named.name_printed
),

department_rows as (
    select
        named.disclosure_id,
        'TXT-04' as rule_id,
        named.text_kind || ':' || named.text_id as subject,
        '部门名称（' || coalesce(named.section, named.text_kind) || '）：' || named.name_printed as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case
            when named.text_kind = 'title' and position(named.department_name in named.name_printed) > 0 then 'pass'
            when named.name_printed = named.department_name or named.is_alias then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        '应为“' || named.department_name || '”或其已知别名' as note_zh,
        'should name ' || named.department_name || ' or a known alias' as note_en,
        coalesce(named.section, named.text_kind) as source_sections
    from departments_matched as named
),

-- TXT-05 / TXT-06 ----------------------------------------------------------------------------------
text_patterns as (
    select
        texts.*,
        {{ regex_extract(
            "texts.text_printed",
            "'(X{2,}|Ｘ{2,}|×{2,}|如持平作持平表述|(增加|增长|大于|高于|上升)（(减少|下降|小于|低于)）|（(增加|增长)/(减少|下降)）)'",
            1
        ) }} as template_text,
        {{ regex_extract(
            "texts.text_printed",
            "'((占[^，。；0-9]{0,12}|增长|下降|完成[^，。；0-9]{0,8}的)[0-9]+(\\.[0-9]+)?)([^0-9.%％万亿元个人辆台次户分项]|$)'",
            1
        ) }} as percent_without_sign
    from texts
),

template_rows as (
    select
        disclosure_id,
        'TXT-05' as rule_id,
        text_kind || ':' || text_id as subject,
        '模板文字（' || coalesce(section, text_kind) || '）' as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case when template_text != '' then 'fail' else 'pass' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when template_text != '' then '保留模板文字：' || template_text end as note_zh,
        case when template_text != '' then 'template text left in: ' || template_text end as note_en,
        coalesce(section, text_kind) as source_sections
    from text_patterns
),

percent_sign_rows as (
    select
        disclosure_id,
        'TXT-06' as rule_id,
        text_kind || ':' || text_id as subject,
        '百分比符号（' || coalesce(section, text_kind) || '）' as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '%' as unit,
        case when percent_without_sign != '' then 'fail' else 'pass' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when percent_without_sign != '' then '百分比未标 %：' || percent_without_sign end as note_zh,
        case when percent_without_sign != '' then 'a percentage printed without %: ' || percent_without_sign end
            as note_en,
        coalesce(section, text_kind) as source_sections
    from text_patterns
    where text_kind = 'sentence'
),

-- TXT-07 -------------------------------------------------------------------------------------------
cost_groups as (
    select {{ unnest_list(text_list(["'人员经费'", "'公用经费'"]), 'cost_group') }}
),

cost_lists as (
    select
        texts.disclosure_id,
        texts.text_id,
        texts.section,
        cost_groups.cost_group,
        {{ regex_extract(
            "texts.text_printed", "cost_groups.cost_group || '[0-9.,]*万元[，,]?(主要)?包括[:：]?([^；;。]+)'", 2
        ) }} as list_text
    from texts
    cross join cost_groups
    where texts.text_kind = 'sentence' and texts.text_printed like '%基本支出%'
),

listed_names as (
    select
        *,
        {{ unnest_list(split_text('list_text', "'、'"), 'item_name') }}
    from cost_lists
    where list_text != ''
),

listed_items as (
    select
        *,
        {{ regex_replace_all('item_name', "'[()（）\\s等]'", "''") }} as item_key,
        {{ regex_contains("list_text", "'等$'") }} as list_is_open
    from listed_names
),

-- disclosures whose T6 prints items at all: without them a list cannot be checked
disclosures_with_items as (
    select distinct disclosure_id from economic
    where economic_level = '款'
),

table_items as (
    select
        disclosure_id,
        cost_group,
        {{ regex_replace_all('coalesce(economic_name_printed, economic_name)', "'[()（）\\s]'", "''") }} as item_key,
        coalesce(economic_name_printed, economic_name) as item_name,
        actual_amount
    from economic
    where economic_level = '款'
),

list_rows as (
    select
        listed.disclosure_id,
        'TXT-07' as rule_id,
        listed.cost_group || ':' || listed.item_key || ':' || listed.text_id as subject,
        listed.cost_group || '所列：' || listed.item_name as subject_name,
        table_item.actual_amount as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '万元' as unit,
        case
            when with_items.disclosure_id is null then 'insufficient_data'
            when coalesce(table_item.actual_amount, 0) = 0 then 'fail'
            else 'pass'
        end as status,
        'warning' as severity_override,
        case when coalesce(table_item.actual_amount, 0) = 0 then '文字列示该项，T6 为空或 0' end as note_zh,
        case when coalesce(table_item.actual_amount, 0) = 0 then 'the text names it; T6 leaves it blank or 0' end
            as note_en,
        listed.section || '; T6' as source_sections
    from listed_items as listed
    left join table_items as table_item
        on
            listed.disclosure_id = table_item.disclosure_id
            and listed.item_key = table_item.item_key
    left join disclosures_with_items as with_items on listed.disclosure_id = with_items.disclosure_id
    union all
    select
        lists.disclosure_id,
        'TXT-07' as rule_id,
        lists.cost_group || ':' || table_item.item_key || ':' || lists.text_id as subject,
        lists.cost_group || '未列：' || table_item.item_name as subject_name,
        table_item.actual_amount as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '万元' as unit,
        'fail' as status,
        'warning' as severity_override,
        'T6 列示 ' || {{ format_number('table_item.actual_amount') }} || ' 万元，文字未列' as note_zh,
        'T6 prints ' || {{ format_number('table_item.actual_amount') }} || ' 万元; the text leaves it out' as note_en,
        lists.section || '; T6' as source_sections
    from cost_lists as lists
    inner join table_items as table_item
        on
            lists.disclosure_id = table_item.disclosure_id
            and lists.cost_group = table_item.cost_group
            and table_item.actual_amount != 0
    where
        lists.list_text != ''
        and not {{ regex_contains("lists.list_text", "'等$'") }}
        and position(table_item.item_key in {{ regex_replace_all('lists.list_text', "'[()（）\\s]'", "''") }}) = 0
),

final as (
    {{ union_check_rows([
        'budget_word_rows',
        'change_word_rows',
        'year_rows',
        'department_rows',
        'template_rows',
        'percent_sign_rows',
        'list_rows',
    ]) }}
)

select * from final
