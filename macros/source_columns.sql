{#- Which input column holds each contract column, as exports title them. -#}

{#- Which of the input's columns (names, as the input spells them) holds each contract column
    of source_name: {contract column: input column}, without the contract columns none
    holds. In order:
    1. the title var retail_recs__column_names gives it, or the column at the position it
       gives (1 for the first, for a file without a header line; macro column_names_var);
    2. its own name, ignoring case, as both engines bind names, or else ignoring spaces and
       punctuation too, as exports write headers ('Event ID', 'event-id', 'EventID');
    3. for a column still unread and not in the var, the first of the titles exports give it
       (macro contract_column_synonyms: 'CustomerID', 'timestamp', 'SKU') that the input has
       and no other contract column took.
    Two input columns that match one title only loosely stop the build naming them; a title
    of the var that the input lacks stops it in macro with_contract_columns. -#}
{% macro contract_column_sources(source_name, names, described_as) %}
    {%- set contract = input_contract()[source_name] -%}
    {%- set mapped = column_names_var(source_name) -%}
    {%- set synonyms = contract_column_synonyms().get(source_name, {}) -%}
    {%- set sources = {} -%}
    {%- for wanted in contract.required + contract.optional -%}
        {%- set title = mapped.get(wanted, wanted) -%}
        {%- if title is integer -%}
            {%- set found = names[title - 1:title] -%}
        {%- else -%}
            {%- set found = columns_titled(source_name, names, title, wanted, described_as) -%}
        {%- endif -%}
        {%- if found -%}
            {%- do sources.update({wanted: found[0]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set taken = [] -%}
    {%- for column in sources.values() -%}
        {%- do taken.append(column | lower) -%}
    {%- endfor -%}
    {%- for wanted in contract.required + contract.optional -%}
        {%- set state = namespace(found=wanted in sources or wanted in mapped) -%}
        {%- for title in synonyms.get(wanted, []) -%}
            {%- if not state.found -%}
                {%- set free = [] -%}
                {%- for name in names if (name | lower) not in taken -%}
                    {%- do free.append(name) -%}
                {%- endfor -%}
                {%- set found = columns_titled(source_name, free, title, wanted, described_as) -%}
                {%- if found -%}
                    {%- do sources.update({wanted: found[0]}) -%}
                    {%- do taken.append(found[0] | lower) -%}
                    {%- set state.found = true -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(sources) }}
{% endmacro %}

{#- The one column of names titled title: the same name ignoring case, or else the only one
    that is the same ignoring spaces and punctuation too; [] when none, and a stop naming them
    when several match only loosely. -#}
{% macro columns_titled(source_name, names, title, wanted, described_as) %}
    {%- set exact = [] -%}
    {%- set loose = [] -%}
    {%- for name in names -%}
        {%- if name | lower == title | lower -%}
            {%- do exact.append(name) -%}
        {%- elif loose_column_name(name) == loose_column_name(title) -%}
            {%- do loose.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if exact -%}
        {{ return(exact[:1]) }}
    {%- elif loose | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ " (" ~ described_as ~ ") has columns '"
            ~ loose | join("', '") ~ "' that could each be " ~ wanted
            ~ ": rename all but one, or name one in var retail_recs__column_names. See README.md,"
            ~ " section 'The input contract'."
        ) }}
    {%- endif -%}
    {{ return(loose) }}
{% endmacro %}

{#- A column name without case, spaces or punctuation: 'Event ID' and 'event_id' are 'eventid'. -#}
{% macro loose_column_name(name) %}
    {{ return(modules.re.sub('[^a-z0-9]', '', name | lower)) }}
{% endmacro %}

{#- var retail_recs__column_names for source_name: {contract column: the input's title of it},
    e.g. {events: {user_id: VisitorID, event_type: event}}, or {contract column: its position}
    for a CSV file without a header line (Taobao's, Amazon's ratings), e.g. {events: {user_id: 1,
    item_id: 2}}, every column of a source one way. Anything but contract columns of the input
    contract's sources mapped to text or to positions from 1 stops the build naming the var. -#}
{% macro column_names_var(source_name) %}
    {%- set value = var('retail_recs__column_names') or {} -%}
    {%- set contract = input_contract() -%}
    {%- if value is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__column_names must be a mapping of sources to {contract column: your"
            ~ " column}, e.g. {\"events\": {\"user_id\": \"VisitorID\"}}, got " ~ value) }}
    {%- endif -%}
    {%- for source, titles in value.items() -%}
        {%- if source not in contract or titles is not mapping -%}
            {{ exceptions.raise_compiler_error(
                "var retail_recs__column_names must be a mapping of sources (" ~ contract.keys() | join(', ')
                ~ ") to {contract column: your column}, got " ~ source ~ ": " ~ titles) }}
        {%- endif -%}
        {%- set columns = contract[source].required + contract[source].optional -%}
        {%- set positions = titles.values() | select('integer') | list -%}
        {%- for column, title in titles.items() -%}
            {%- if column not in columns or not (title is string and title or title is integer and title > 0) -%}
                {{ exceptions.raise_compiler_error(
                    "var retail_recs__column_names must be a mapping of the columns of " ~ source
                    ~ " (" ~ columns | join(', ') ~ ") to the title of your column, or to its"
                    ~ " position from 1 in a file without a header line, got " ~ column ~ ": " ~ title) }}
            {%- elif positions and positions | length < titles | length -%}
                {{ exceptions.raise_compiler_error(
                    "var retail_recs__column_names names some columns of " ~ source ~ " by title and"
                    ~ " some by position: name them all by title, or, for a file without a header"
                    ~ " line, all by position (1 for the first), got " ~ titles) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(value.get(source_name, {})) }}
{% endmacro %}

{#- Whether var retail_recs__column_names names the columns of source_name by position: its CSV
    files have no header line, and every line is a record. -#}
{% macro names_columns_by_position(source_name) %}
    {{ return(column_names_var(source_name).values() | select('integer') | list | length > 0) }}
{% endmacro %}

{#- Every title that may name a contract column of source_name, loosely (macro
    loose_column_name): its own names, the var's titles and the synonyms. They find the
    header line under a report's title lines (macro contract_column_count) and the header
    lines repeated inside a file (macro is_repeated_header). -#}
{% macro contract_column_titles(source_name) %}
    {%- set contract = input_contract()[source_name] -%}
    {%- set titles = [] -%}
    {%- for column in contract.required + contract.optional -%}
        {%- do titles.append(loose_column_name(column)) -%}
        {%- for synonym in contract_column_synonyms().get(source_name, {}).get(column, []) -%}
            {%- do titles.append(synonym) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for title in column_names_var(source_name).values() if title is string -%}
        {%- do titles.append(loose_column_name(title)) -%}
    {%- endfor -%}
    {{ return(titles) }}
{% endmacro %}

{#- Titles that exports, public data sets and platforms give contract columns, written loosely
    (macro loose_column_name) and in order of preference: read only where the input has no
    column of the contract's own name. Each title belongs to one column of a source, so that a
    column is never read twice. A date before a bare time: a file with both ('date', 'time')
    keeps its days, and var retail_recs__column_names names another choice. -#}
{% macro contract_column_synonyms() %}
    {%- set user = ['customerid', 'customer', 'custid', 'customerno', 'customernumber', 'clientid',
                    'client', 'visitorid', 'visitor', 'memberid', 'shopperid', 'buyerid',
                    'accountid', 'householdkey', 'householdid', 'uid'] -%}
    {%- set item = ['productid', 'product', 'sku', 'articleid', 'article', 'stockcode',
                    'productcode', 'itemcode', 'itemnumber', 'productnumber', 'variantid',
                    'productsku', 'lineitemsku', 'asin'] -%}
    {{ return({
        'events': {
            'user_id': user,
            'item_id': item,
            'event_type': ['event', 'eventname', 'action', 'behavior', 'behaviour', 'behaviortype',
                           'behaviourtype', 'interaction', 'interactiontype', 'activity',
                           'activitytype'],
            'event_at': ['eventtime', 'eventtimestamp', 'timestamp', 'datetime', 'occurredat',
                         'createdat', 'orderdatetime', 'orderdate', 'invoicedate',
                         'transactiondate', 'purchasedate', 'orderpurchasetimestamp', 'saledate',
                         'tdat', 'eventdate', 'date', 'ts', 'time'],
            'order_id': ['transactionid', 'invoiceno', 'invoice', 'invoiceid', 'invoicenumber',
                         'ordernumber', 'orderno', 'basketid', 'receiptid', 'ticketid'],
            'quantity': ['qty', 'units', 'quantityordered', 'unitssold', 'lineitemquantity'],
            'unit_price': ['price', 'itemprice', 'saleprice', 'sellingprice', 'lineitemprice',
                           'priceeach', 'productprice'],
            'session_id': ['session', 'sessionkey', 'visitid'],
            'channel': ['saleschannel', 'saleschannelid'],
        },
        'items': {
            'item_id': item,
            'name': ['title', 'productname', 'itemname', 'productdisplayname', 'prodname',
                     'producttitle', 'displayname'],
            'category': ['productcategory', 'categoryname', 'categorypath', 'categories',
                         'producttype', 'producttypename', 'productcategoryname', 'productgroup',
                         'productgroupname', 'department', 'departmentname'],
            'brand': ['vendor', 'brandname', 'manufacturer'],
            'price': ['unitprice', 'listprice', 'retailprice', 'variantprice', 'sellingprice',
                      'saleprice'],
            'description': ['productdescription', 'bodyhtml', 'detaildesc', 'details',
                            'longdescription'],
            'is_active': ['active', 'status', 'published', 'enabled'],
        },
        'customers': {
            'user_id': user,
            'email': ['emailaddress', 'mail'],
            'phone': ['phonenumber', 'mobile', 'mobilenumber', 'telephone', 'tel', 'cellphone',
                      'defaultaddressphone'],
            'country': ['countrycode', 'countryname', 'defaultaddresscountrycode',
                        'defaultaddresscountry'],
            'city': ['town', 'defaultaddresscity'],
            'signup_at': ['createdat', 'signupdate', 'registeredat', 'registrationdate',
                          'joinedat', 'customersince'],
            'birth_year': ['yearofbirth'],
            'gender': ['sex'],
            'email_opt_in': ['acceptsemailmarketing', 'acceptsmarketing', 'emailconsent',
                             'newsletter', 'marketingoptin'],
            'sms_opt_in': ['acceptssmsmarketing', 'smsconsent', 'smsmarketing'],
        },
        'erasure_requests': {
            'user_id': user,
            'requested_at': ['requestdate', 'requestedon', 'receivedat', 'createdat', 'date'],
        },
    }) }}
{% endmacro %}

{#- {source: "column from 'Title', ..."} of the inputs that hold contract columns under other
    titles than their names (a synonym or var retail_recs__column_names), for build_warnings:
    a title read by synonym may mean something else in this export. Empty when the command
    reads no data. -#}
{% macro columns_read_by_title() %}
    {%- set read = {} -%}
    {%- if not probes_sources() -%}
        {{ return(read) }}
    {%- endif -%}
    {%- for source_name in input_contract() -%}
        {%- set raw = raw_source(source_name) -%}
        {%- if raw is not none -%}
            {%- set found = [] -%}
            {%- for column, title in contract_column_sources(source_name, column_names(raw.relation), raw.described_as).items()
                if loose_column_name(title) != loose_column_name(column) -%}
                {%- do found.append(column ~ " from '" ~ title ~ "'") -%}
            {%- endfor -%}
            {%- if found -%}
                {%- do read.update({source_name: found | join(', ')}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(read) }}
{% endmacro %}
