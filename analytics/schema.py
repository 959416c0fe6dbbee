"""The canonical tables of a Bench Strength workspace: the single source of truth.

Every other module (importers, workspace, demo generator, docs, coverage panel) reads the
table and column definitions from here. A column carries its type, whether a row is
rejected without it, the header synonyms the importers recognise, and which analyses need
it, so that ``docs/DATA.md`` and the coverage panel are generated from the same facts.

Types
-----
``text``      Unicode NFKC, invisible characters removed (zero-width, format and control
              characters; a zero-width space is a space), whitespace runs collapsed to one
              space, trimmed; nothing visible -> missing. Names (``NAMING_COLUMNS``) are
              also capped at 255 characters, the row listed
``id``        identifier, normalised as text and never re-cased
``date``      calendar date (time of day dropped)
``timestamp`` date and time (zone converted to UTC, then made naive)
``money``     amount in the export's currency (``"$450,000.00 "`` -> 450000.0; a currency mark
              in the cell is read into the table's ``currency`` column when it has no other)
``currency``  ISO 4217 code (``"eur"``, ``"€"``, ``"Euro"`` -> ``"EUR"``)
``number``    plain decimal number
``integer``   whole number
``bool``      TRUE/FALSE, 1/0/blank, Yes/No, Y/N
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: 2: opportunities and quotas carry a ``currency`` (files saved at 1 open with it blank)
SCHEMA_VERSION = 2

COLUMN_TYPES = ("text", "id", "date", "timestamp", "money", "currency", "number", "integer", "bool")

#: DuckDB type of each column type.
SQL_TYPES = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DOUBLE",
    "currency": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "bool": "BOOLEAN",
}


def normalise_header(header: str) -> str:
    """Fold a header to the form synonyms are compared in: lower case, letters and digits; a number
    sign reads as the word (``Employee #`` is an employee's number, never the employee).

    >>> normalise_header(" Opportunity Owner ")
    'opportunityowner'
    >>> normalise_header("\\ufeffId"), normalise_header("Employee #")
    ('id', 'employeenumber')
    """
    return re.sub(r"[^0-9a-z]", "", str(header).lower().replace("#", "number"))


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Parameters
    ----------
    name : canonical column name (snake_case).
    type : one of ``COLUMN_TYPES``.
    description : what the column holds, in a user's words.
    required : a row without a usable value is rejected.
    synonyms : export headers that mean this column (compared after ``normalise_header``).
    used_by : analyses that read the column (keys of ``ANALYSES``).
    """

    name: str
    type: str
    description: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.name}")

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    def matches(self, header: str) -> bool:
        key = normalise_header(header)
        return key == normalise_header(self.name) or key in {
            normalise_header(s) for s in self.synonyms
        }


@dataclass(frozen=True)
class Table:
    """One canonical table.

    ``key`` names the columns that identify a row: an upload of next cycle's export replaces
    rows with the same key and appends the others. ``label`` is what the user reads.
    """

    name: str
    label: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    source_examples: str = ""
    #: when the key is not in the export, the importer builds it from these columns
    derived_key_from: tuple[str, ...] = ()
    #: columns that, when a file carries them, let several of its rows share the key (a history:
    #: one row per change); a later load still replaces every row of a key it holds
    history: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]


# Analyses the coverage panel reports on; columns name them in ``used_by``.
ANALYSES: dict[str, str] = {
    "overview": "Overview: managers, reps, revenue vs quota",
    "attainment": "Attainment against quota",
    "pipeline": "Pipeline KPIs (coverage, conversion, win rate, deal size, cycle length)",
    "stage_flow": "Time in stage and stage-to-stage conversion",
    "activity": "Activity standards and leading indicators",
    "independence": "Execution independence and the dependency curve",
    "capability": "Capability movement and named gaps",
    "follow_through": "Development follow-through (completed, revisited)",
    "coaching": "Coaching behaviours, quality index and the 50/50 rule",
    "confidence_gap": "Confidence gap (manager self-rating vs reps' view)",
    "lead_dial": "Lead dial (direction, motivation, buy-in, retention)",
    "distribution": "Distribution of results (Pareto by rep, account, product)",
}


#: ISO 4217 codes in use (data): a currency column holds one of these, and nothing else, so it can
#: hold no one's name (the anonymised copy keeps it as it is, a code outside the list blanked).
CURRENCY_CODES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
""".split())

#: Headers that name a record's currency (Salesforce, HubSpot, Pipedrive, Zoho, Dynamics 365, Odoo).
CURRENCY_SYNONYMS = ("Currency", "CurrencyIsoCode", "Currency ISO Code", "Currency Code", "Deal Currency",
                     "deal_currency_code", "Deal currency code", "Value currency", "Amount Currency",
                     "Opportunity Currency", "Currency Name", "company_currency", "Company Currency",
                     "Quota Currency", "Target Currency")

#: Headers of an amount the CRM has converted to one (the company's) currency: preferred as a
#: deal's ``amount`` over the deal's own, so that totals are in one currency. The deal's own
#: currency column is then not the amount's; the import report names it (data).
CONVERTED_AMOUNT_HEADERS = ("ConvertedAmount", "Amount (converted)", "Converted Amount",
                            "Est. Revenue (Base)", "Estimated Revenue (Base)", "Amount (Base)",
                            "Amount in company currency", "Amount in home currency", "amount_home_currency",
                            "Value in default currency", "Expected Revenue (Base)")
#: Headers naming the currency of a converted amount (a Salesforce report's "Amount (converted)
#: Currency"): the ``currency`` when the converted amount is the ``amount``.
CONVERTED_CURRENCY_HEADERS = ("Amount (converted) Currency", "Converted Amount Currency",
                              "ConvertedAmountCurrency", "Corporate Currency", "Base Currency",
                              "Home Currency", "Default Currency")


def _c(name, type_, description, required=False, synonyms=(), used_by=()):
    return Column(name, type_, description, required, tuple(synonyms), tuple(used_by))


PEOPLE = Table(
    name="people",
    label="People / roster",
    description="Who reports to whom. One row per person (rep or manager).",
    key=("person_id",),
    derived_key_from=("name",),
    source_examples="Salesforce User export, HR roster, Maven sales_teams.csv",
    columns=(
        _c("person_id", "id", "The person's ID in the CRM; the name when the export has no ID.",
           synonyms=("Id", "User ID", "UserId", "Employee ID", "EmployeeId", "Rep ID",
                     "Person ID", "Owner ID", "Record ID", "Employee Number", "EmployeeNumber"),
           used_by=("overview",)),
        _c("name", "text", "Full name as shown on every page.", required=True,
           synonyms=("Name", "Full Name", "Sales Agent", "Sales Rep", "Rep", "Rep Name",
                     "Employee", "Employee Name", "User", "User Name", "Salesperson",
                     "Account Executive", "Seller", "Worker"),
           used_by=("overview",)),
        _c("manager", "text", "The person's manager: a name, or an ID resolved through this table.",
           synonyms=("Manager", "ManagerId", "Manager ID", "Manager Name", "Reports To", "Reporting To",
                     "Sales Manager", "Line Manager", "Supervisor", "Team Lead", "Manager Email",
                     "Reports To Email"),
           used_by=("overview", "attainment", "independence", "capability", "coaching")),
        _c("team", "text", "Team name.", synonyms=("Team", "Sales Team", "Team Name", "Squad", "Pod"),
           used_by=("overview",)),
        _c("region", "text", "Region or office.",
           synonyms=("Region", "Regional Office", "Office", "Territory", "Area", "Geo"),
           used_by=("overview",)),
        _c("segment", "text", "Market segment the person sells to.",
           synonyms=("Segment", "Market Segment", "Business Unit", "Division"),
           used_by=("pipeline",)),
        _c("role", "text", "Role or title (rep, manager...).",
           synonyms=("Role", "Title", "Job Title", "UserRole", "User Role", "Position", "UserType"),
           used_by=("overview",)),
        _c("role_id", "id", "The person's role in a role hierarchy (Salesforce UserRoleId), read through "
           "Roles: a person without a manager gets the one holder of the parent role.",
           synonyms=("UserRoleId", "User Role ID", "Role ID", "RoleId"),
           used_by=("overview",)),
        _c("email", "text", "Work e-mail; deals, quotas, reviews and surveys that name people by e-mail "
           "join on it.",
           synonyms=("Email", "E-mail", "Email Address", "Primary Email", "Work Email", "Business Email",
                     "Work E-mail", "Internal Email Address", "Primary Work Email")),
        _c("start_date", "date", "First day in the role.",
           synonyms=("Start Date", "Hire Date", "Joined", "StartDate", "Hired"),
           used_by=("lead_dial",)),
        _c("end_date", "date", "Last day in the role (blank while still in post).",
           synonyms=("End Date", "Leave Date", "Termination Date", "Exit Date", "Left"),
           used_by=("lead_dial",)),
        _c("is_active", "bool", "Whether the person is still active.",
           synonyms=("IsActive", "Active", "Is Active", "Status Active")),
    ),
)

OPPORTUNITIES = Table(
    name="opportunities",
    label="Opportunities / deals",
    description="One row per opportunity (deal), open or closed.",
    key=("opportunity_id",),
    derived_key_from=("name", "account", "owner", "created_date"),
    source_examples="Salesforce Opportunity (API or report), HubSpot deals, Dynamics 365, Maven sales_pipeline.csv",
    columns=(
        _c("opportunity_id", "id", "The opportunity's ID.", required=True,
           synonyms=("Id", "Opportunity ID", "OpportunityId", "Opportunity Id", "Deal ID",
                     "Record ID", "Opp ID", "(Do Not Modify) Opportunity", "Opportunity Number"),
           used_by=("pipeline",)),
        _c("name", "text", "Opportunity name.",
           synonyms=("Name", "Opportunity Name", "Deal Name", "Topic", "Subject"),
           used_by=()),
        _c("owner", "text", "The rep who owns the deal: a name, or an ID resolved through People.",
           synonyms=("Owner", "OwnerId", "Owner ID", "Opportunity Owner", "Deal owner",
                     "Deal Owner Name", "Sales Agent", "Sales Rep", "Rep", "Account Executive",
                     "Owner Name", "Salesperson", "Owner Email", "Deal owner email",
                     "Opportunity Owner Email", "Sales Rep Email", "Rep Email"),
           used_by=("attainment", "pipeline", "independence", "distribution")),
        _c("account", "text", "Customer account: a name, or an ID resolved through Accounts.",
           synonyms=("Account", "AccountId", "Account ID", "Account Name", "Company",
                     "Associated Company", "Potential Customer", "Customer"),
           used_by=("distribution",)),
        _c("amount", "money", "Deal value (closed value for closed deals).",
           synonyms=("Amount", "Close Value", "Deal Value", "Value", "Opportunity Amount",
                     "Est. Revenue", "Estimated Revenue", "Total Contract Value", "ACV", "TCV",
                     "Expected Revenue", "Estimated Value"),
           used_by=("attainment", "pipeline", "independence", "distribution")),
        _c("actual_amount", "money", "Actual revenue booked, where the export keeps it apart.",
           synonyms=("Actual Revenue", "Actual Amount", "Booked Amount"),
           used_by=("attainment",)),
        _c("currency", "currency", "The deal's currency (ISO code); read from the amount cells ('€1.200,00', "
           "'1,200 EUR') when the export has no currency column. Money is never summed across currencies.",
           synonyms=CURRENCY_SYNONYMS, used_by=("attainment", "pipeline")),
        _c("stage", "text", "Sales stage as the CRM names it; mapped to open/won/lost.", required=True,
           synonyms=("Stage", "StageName", "Stage Name", "Deal Stage", "Status", "Opportunity Stage",
                     "Sales Stage", "Pipeline Stage", "Status Reason", "Pipeline Phase", "Step Name"),
           used_by=("pipeline", "stage_flow")),
        _c("is_closed", "bool", "Closed flag from the export; else derived from the stage mapping.",
           synonyms=("IsClosed", "Is Closed", "Closed"), used_by=("pipeline",)),
        _c("is_won", "bool", "Won flag from the export; else derived from the stage mapping.",
           synonyms=("IsWon", "Is Won", "Won"), used_by=("pipeline", "attainment")),
        _c("probability", "number", "Win probability (percent).",
           synonyms=("Probability", "Probability (%)", "Deal Probability", "Win Probability"),
           used_by=("pipeline",)),
        _c("created_date", "date", "When the opportunity was created (or engaged).",
           synonyms=("CreatedDate", "Created Date", "Create Date", "Created On", "Engage Date",
                     "Created", "Date Created", "Opp Creation Date"),
           used_by=("pipeline", "stage_flow")),
        _c("close_date", "date", "Close date (expected for open deals, actual for closed).",
           synonyms=("CloseDate", "Close Date", "Actual Close Date", "Est. Close Date",
                     "Closed Date", "Expected Close Date", "Date Closed", "Expected Closing",
                     "Date Deadline", "Estimated Close Date"),
           used_by=("attainment", "pipeline", "independence")),
        _c("product", "text", "Product or product line.",
           synonyms=("Product", "Product Name", "Product Line", "Product Family"),
           used_by=("distribution",)),
        _c("segment", "text", "Segment or deal type.",
           synonyms=("Segment", "Type", "Opportunity Type", "Deal Type", "Pipeline"),
           used_by=("pipeline",)),
        _c("lead_source", "text", "Lead source.", synonyms=("LeadSource", "Lead Source", "Source")),
        _c("is_complex", "bool", "Explicit complexity flag, where the export has one.",
           synonyms=("Is Complex", "Complex", "Complex Deal", "Complexity Flag", "Strategic Deal"),
           used_by=("independence",)),
        _c("manager_involved", "bool", "Explicit flag: the rep's manager took part in the deal.",
           synonyms=("Manager Involved", "Manager Involvement", "Manager Engaged",
                     "Manager Assisted", "Exec Sponsor Involved"),
           used_by=("independence",)),
        _c("owner_manager", "text", "The owner's manager at the time of the deal, where the export carries it "
           "(a name, or an ID or e-mail resolved through People): the deal is credited to them, not to the "
           "roster's current manager.",
           synonyms=("Owner Manager", "Opportunity Owner: Manager", "Manager at Close", "Sales Manager",
                     "Owner's Manager", "Owner Manager Name", "Deal Owner Manager"),
           used_by=("attainment", "independence")),
    ),
)

ACTIVITIES = Table(
    name="activities",
    label="Activities",
    description="Calls, meetings, e-mails and tasks logged against deals.",
    key=("activity_id",),
    derived_key_from=("owner", "activity_date", "activity_type", "opportunity_id", "subject"),
    source_examples="Salesforce Task/Event, HubSpot activities",
    columns=(
        _c("activity_id", "id", "The activity's ID.",
           synonyms=("Id", "Activity ID", "ActivityId", "Task ID", "Event ID", "Engagement ID"),
           used_by=("activity",)),
        _c("owner", "text", "Who logged the activity: a name, or an ID resolved through People.",
           required=True,
           synonyms=("Owner", "OwnerId", "Owner ID", "Assigned To", "Activity Owner",
                     "Activity assigned to", "Sales Rep", "Rep", "User", "Task Owner", "Assigned to user",
                     "Owner Email", "Assigned To Email", "Activity Owner Email", "User Email"),
           used_by=("activity", "independence")),
        _c("activity_date", "date", "Date of the activity.", required=True,
           synonyms=("ActivityDate", "Activity Date", "Date", "Due Date", "Start Date",
                     "Activity date", "Completed Date", "Created Date", "Due", "Date Deadline"),
           used_by=("activity",)),
        _c("activity_type", "text", "Call, meeting, e-mail, task...",
           synonyms=("Type", "Activity Type", "TaskSubtype", "Task Subtype", "Subtype",
                     "Event Type", "Channel"),
           used_by=("activity",)),
        _c("subject", "text", "Subject line.", synonyms=("Subject", "Title", "Activity Subject", "Summary")),
        _c("opportunity_id", "id", "The opportunity the activity belongs to.",
           synonyms=("WhatId", "Opportunity ID", "OpportunityId", "Opportunity", "Related To ID",
                     "Deal ID", "Associated Deal"),
           used_by=("independence", "activity")),
        _c("status", "text", "Task status.", synonyms=("Status", "Task Status")),
        _c("duration_minutes", "number", "Duration in minutes.",
           synonyms=("Duration", "Duration (minutes)", "Minutes", "DurationInMinutes"),
           used_by=("activity",)),
        _c("duration_seconds", "number", "Duration in seconds (calls).",
           synonyms=("CallDurationInSeconds", "Call Duration (seconds)", "Duration Seconds")),
        _c("attendees", "text", "People who attended (names or IDs, separated by ; or ,).",
           synonyms=("Attendees", "Participants", "Invitees", "Attendee Names")),
        _c("manager_present", "bool", "Explicit flag: the rep's manager attended.",
           synonyms=("Manager Present", "Manager Attended", "Manager On Call", "Manager Joined"),
           used_by=("independence",)),
        _c("description", "text", "What was written about the activity (Salesforce Task/Event Description, "
           "HubSpot meeting, call or note body). A 1:1 or call review with a description is also loaded as a "
           "coaching session, its behaviours read from the text (docs/COACHING_TEXT.md).",
           synonyms=("Description", "Comments", "Full Comments", "Notes", "Note", "Body", "Call Notes",
                     "Meeting Notes", "Meeting Description", "Note Body", "Call Body", "Internal Meeting Notes",
                     "Activity Description", "Task Description", "Event Description", "hs_meeting_body",
                     "hs_call_body", "hs_note_body", "hs_internal_meeting_notes"),
           used_by=("coaching",)),
    ),
)

STAGE_HISTORY = Table(
    name="stage_history",
    label="Opportunity stage history",
    description="One row per stage change of an opportunity.",
    key=("history_id",),
    derived_key_from=("opportunity_id", "changed_at", "stage"),
    source_examples="Salesforce OpportunityHistory, HubSpot deal stage history",
    columns=(
        _c("history_id", "id", "The change's ID.",
           synonyms=("Id", "History ID", "OpportunityHistoryId", "Change ID")),
        _c("opportunity_id", "id", "The opportunity that changed.", required=True,
           synonyms=("OpportunityId", "Opportunity ID", "Deal ID", "Opportunity"),
           used_by=("stage_flow",)),
        _c("stage", "text", "The stage entered.", required=True,
           synonyms=("StageName", "Stage", "To Stage", "New Stage", "Deal Stage", "New Value"),
           used_by=("stage_flow",)),
        _c("changed_at", "timestamp", "When the stage was entered.", required=True,
           synonyms=("CreatedDate", "Changed At", "Change Date", "Date", "Entered Stage",
                     "Stage Entered", "Timestamp", "Modified On", "Edit Date", "Last Modified"),
           used_by=("stage_flow",)),
        _c("amount", "money", "Amount at the time of the change.", synonyms=("Amount",)),
        _c("close_date", "date", "Close date at the time of the change.", synonyms=("CloseDate", "Close Date")),
        _c("probability", "number", "Probability at the time of the change.", synonyms=("Probability",)),
    ),
)

QUOTAS = Table(
    name="quotas",
    label="Quotas",
    description="Quota per person per period.",
    key=("owner", "period_start"),
    source_examples="Quota planning sheet, Salesforce ForecastingQuota",
    columns=(
        _c("owner", "text", "Whose quota: a name, or an ID resolved through People.", required=True,
           synonyms=("Owner", "OwnerId", "QuotaOwnerId", "Rep", "Sales Rep", "Sales Agent",
                     "Goal Owner", "Quota Owner", "Owner Name", "Assigned To", "Salesperson",
                     "Sales Person", "Seller", "Name", "Employee", "Owner Email", "Goal Owner Email",
                     "Quota Owner Email", "Rep Email", "Employee Email"),
           used_by=("attainment",)),
        _c("period_start", "date", "First day of the quota period.", required=True,
           synonyms=("Period Start", "Start Date", "StartDate", "From", "Period", "Quarter Start", "Quota Date",
                     "Quota Month", "Quota Period", "Target Month", "Month"),
           used_by=("attainment",)),
        _c("period_end", "date", "Last day of the quota period (derived from the spacing of an owner's period "
           "starts when the file gives one date per period).", required=True,
           synonyms=("Period End", "End Date", "EndDate", "To", "Quarter End"),
           used_by=("attainment",)),
        _c("amount", "money", "Quota amount.", required=True,
           synonyms=("Amount", "Quota", "Quota Amount", "QuotaAmount", "Target", "Plan"),
           used_by=("attainment",)),
        _c("currency", "currency", "The quota's currency (ISO code), where the quota file carries one.",
           synonyms=CURRENCY_SYNONYMS, used_by=("attainment",)),
        _c("manager", "text", "The owner's manager for this period, where the quota file carries it (a name, "
           "or an ID or e-mail resolved through People): the quota is credited to them.",
           synonyms=("Manager", "Sales Manager", "Manager at the Time", "Manager Name", "Owner Manager"),
           used_by=("attainment",)),
    ),
)

REVIEWS = Table(
    name="reviews",
    label="Capability reviews",
    description="One score per rep, capability and review cycle.",
    key=("rep", "capability", "cycle"),
    source_examples="Performance review tool, enablement platform skill scores",
    columns=(
        _c("rep", "text", "The rep reviewed (name or ID).", required=True,
           synonyms=("Rep", "Employee", "Reviewee", "Sales Rep", "Name", "Rep Name", "Person", "Seller",
                     "Reviewee Name", "Employee Email", "Rep Email", "Reviewee Email"),
           used_by=("capability",)),
        _c("reviewer", "text", "Who gave the score.",
           synonyms=("Reviewer", "Manager", "Rated By", "Assessor", "Evaluator", "Reviewer Name", "Reviewer Email",
                     "Manager Email"),
           used_by=("capability",)),
        _c("cycle", "text", "Review cycle label (e.g. 2025-Q3).", required=True,
           synonyms=("Cycle", "Review Cycle", "Period", "Quarter", "Review Period"),
           used_by=("capability",)),
        _c("review_date", "date", "Date of the review.",
           synonyms=("Review Date", "Date", "Reviewed On", "Completed On"),
           used_by=("capability",)),
        _c("capability", "text", "Capability scored (discovery, value articulation...).", required=True,
           synonyms=("Capability", "Skill", "Competency", "Competence", "Dimension", "Question"),
           used_by=("capability",)),
        _c("score", "number", "The score.", required=True,
           synonyms=("Score", "Rating", "Value", "Level"),
           used_by=("capability",)),
        _c("scale_min", "number", "Lowest score on the scale (default 1).",
           synonyms=("Scale Min", "Min Score", "Minimum"), used_by=("capability",)),
        _c("scale_max", "number", "Highest score on the scale (default 5).",
           synonyms=("Scale Max", "Max Score", "Maximum", "Scale", "Out Of"),
           used_by=("capability",)),
    ),
)

COACHING_SESSIONS = Table(
    name="coaching_sessions",
    label="Coaching sessions",
    description="One row per 1:1, pipeline review or coaching session, with the four behaviours.",
    key=("session_id",),
    derived_key_from=("manager", "rep", "session_date", "session_type"),
    source_examples="Coaching log (Gong, Ambition, a 1:1 template export)",
    columns=(
        _c("session_id", "id", "The session's ID.", synonyms=("Id", "Session ID", "SessionId")),
        _c("manager", "text", "The manager who ran the session.", required=True,
           synonyms=("Manager", "Coach", "Manager Name", "Led By", "Manager Email", "Coach Email"),
           used_by=("coaching",)),
        _c("rep", "text", "The rep coached.", required=True,
           synonyms=("Rep", "Coachee", "Rep Name", "Sales Rep", "Employee", "Seller", "Direct Report", "Rep Email",
                     "Coachee Email", "Employee Email"),
           used_by=("coaching",)),
        _c("session_date", "date", "Date of the session.", required=True,
           synonyms=("Date", "Session Date", "Meeting Date", "Held On"),
           used_by=("coaching",)),
        _c("minutes", "number", "Length in minutes.",
           synonyms=("Minutes", "Duration", "Duration (min)", "Length"), used_by=("coaching",)),
        _c("session_type", "text", "1:1, pipeline review, call review, role play, deal coaching...",
           synonyms=("Type", "Session Type", "Meeting Type", "Format"), used_by=("coaching",)),
        _c("focus_capability", "text", "Capability named as the focus (a named gap).",
           synonyms=("Focus Capability", "Focus", "Capability", "Skill Focus", "Gap Named"),
           used_by=("capability", "coaching")),
        _c("pipeline_minutes", "number", "Minutes spent on pipeline review.",
           synonyms=("Pipeline Minutes", "Pipeline Time", "Deal Review Minutes"),
           used_by=("coaching",)),
        _c("skill_minutes", "number", "Minutes spent on skill development.",
           synonyms=("Skill Minutes", "Skill Time", "Development Minutes"),
           used_by=("coaching",)),
        _c("named_specific_gap", "bool", "Behaviour 1: named a specific capability gap.",
           synonyms=("Named Specific Gap", "Named Gap", "Specific Gap Named"), used_by=("coaching",)),
        _c("asked_before_telling", "bool", "Behaviour 2: asked before telling.",
           synonyms=("Asked Before Telling", "Asked First", "Question First"), used_by=("coaching",)),
        _c("tied_to_plan", "bool", "Behaviour 3: tied the point to a development plan.",
           synonyms=("Tied To Plan", "Linked To Plan", "Development Plan Linked"), used_by=("coaching",)),
        _c("tracked_application", "bool", "Behaviour 4: tracked independent application.",
           synonyms=("Tracked Application", "Tracked Independent Application", "Followed Up Application"),
           used_by=("coaching",)),
        _c("notes", "text", "What the manager wrote about the session: 1:1 notes, a description, a coaching "
           "tool's summary or a call-review transcript. The four behaviours are read from it where the "
           "export has no flags (docs/COACHING_TEXT.md).",
           synonyms=("Notes", "Note", "Session Notes", "Meeting Notes", "Coaching Notes", "1:1 Notes",
                     "Description", "Comments", "Summary", "Session Summary", "Meeting Summary", "Transcript",
                     "Call Transcript", "Body", "Details", "Notes Text", "hs_meeting_body", "Meeting Body"),
           used_by=("coaching",)),
        _c("text_status", "text", "Whether the notes were read: 'read', or 'not read: <reason>' (empty, "
           "boilerplate, language, too short). Set by the import."),
        *(col for b in ("named_specific_gap", "asked_before_telling", "tied_to_plan", "tracked_application")
          for col in (
              _c(f"{b}_source", "text", "Where the behaviour's value came from: export, text or correction. "
                 "Set by the import."),
              _c(f"{b}_evidence", "text", "The sentence of the notes that shows the behaviour. Set by the import."),
              _c(f"{b}_confidence", "number", "How sure the reading from text is (0 to 1; at least 0.8 "
                 "counts as shown, at most 0.2 as not shown, in between as uncertain). Set by the import."),
          )),
    ),
)

DEVELOPMENT_ACTIONS = Table(
    name="development_actions",
    label="Development actions",
    description="Role plays, call reviews and practice assigned to a rep, and whether they were done and revisited.",
    key=("action_id",),
    derived_key_from=("rep", "capability", "action_type", "assigned_date"),
    source_examples="Development plan tracker, enablement platform assignments",
    columns=(
        _c("action_id", "id", "The action's ID.", synonyms=("Id", "Action ID", "Assignment ID")),
        _c("rep", "text", "The rep it was assigned to.", required=True,
           synonyms=("Rep", "Assignee", "Employee", "Rep Name", "Sales Rep", "Rep Email", "Assignee Email",
                     "Employee Email"),
           used_by=("follow_through",)),
        _c("manager", "text", "The manager who assigned it.",
           synonyms=("Manager", "Assigned By", "Coach", "Manager Email", "Assigned By Email"),
           used_by=("follow_through",)),
        _c("capability", "text", "Capability the action develops.",
           synonyms=("Capability", "Skill", "Focus", "Competency"),
           used_by=("follow_through", "capability")),
        _c("action_type", "text", "Role play, call review, targeted practice, course...",
           synonyms=("Type", "Action Type", "Activity", "Assignment Type")),
        _c("assigned_date", "date", "When it was assigned.", required=True,
           synonyms=("Assigned", "Assigned Date", "Assigned On", "Created", "Start Date"),
           used_by=("follow_through",)),
        _c("due_date", "date", "When it was due.",
           synonyms=("Due", "Due Date", "Deadline"), used_by=("follow_through",)),
        _c("completed_date", "date", "When it was completed (blank if not).",
           synonyms=("Completed", "Completed Date", "Completed On", "Done"),
           used_by=("follow_through",)),
        _c("revisited_date", "date", "When the manager revisited it with the rep (blank if never).",
           synonyms=("Revisited", "Revisited Date", "Revisited On", "Follow-up Date"),
           used_by=("follow_through",)),
    ),
)

SURVEYS = Table(
    name="surveys",
    label="Survey responses",
    description="One row per respondent and item: reps rating their manager, managers rating themselves.",
    key=("response_id",),
    derived_key_from=("respondent", "subject_manager", "item", "survey_date"),
    source_examples="Engagement survey tool, upward feedback survey",
    columns=(
        _c("response_id", "id", "The response's ID.", synonyms=("Id", "Response ID", "ResponseId")),
        _c("respondent", "text", "Who answered (may be pseudonymous).", required=True,
           synonyms=("Respondent", "Respondent ID", "Employee", "Rater", "Employee ID", "Respondent Email",
                     "Employee Email", "Rater Email"),
           used_by=("confidence_gap",)),
        _c("respondent_role", "text", "rep or manager (a manager rating themselves).",
           synonyms=("Role", "Respondent Role", "Rater Role", "Relationship"),
           used_by=("confidence_gap",)),
        _c("subject_manager", "text", "The manager the answer is about.", required=True,
           synonyms=("Subject Manager", "Manager", "About", "Ratee", "Subject", "Manager Email",
                     "Subject Manager Email", "Ratee Email"),
           used_by=("confidence_gap", "lead_dial")),
        _c("item", "text", "Survey item (e.g. 'My manager coaches me consistently').", required=True,
           synonyms=("Item", "Question", "Statement", "Item Text"),
           used_by=("confidence_gap", "lead_dial")),
        _c("score", "number", "The answer.", required=True,
           synonyms=("Score", "Answer", "Rating", "Response", "Value"),
           used_by=("confidence_gap", "lead_dial")),
        _c("scale_min", "number", "Bottom of the answer scale (default 1; 0 for a 0–10 question).",
           synonyms=("Scale Min", "Min Score", "Minimum")),
        _c("scale_max", "number", "Top of the answer scale (default 5).",
           synonyms=("Scale Max", "Scale", "Out Of")),
        _c("survey_date", "date", "When the survey was answered.",
           synonyms=("Date", "Survey Date", "Submitted", "Submitted At", "Response Date"),
           used_by=("lead_dial",)),
    ),
)

ACCOUNTS = Table(
    name="accounts",
    label="Accounts",
    description="Customer accounts; resolves account IDs on opportunities to names.",
    key=("account_id",),
    derived_key_from=("name",),
    source_examples="Salesforce Account, Maven accounts.csv",
    columns=(
        _c("account_id", "id", "The account's ID; the name when the export has no ID.",
           synonyms=("Id", "Account ID", "AccountId", "Company ID", "Record ID")),
        _c("name", "text", "Account name.", required=True,
           synonyms=("Name", "Account", "Account Name", "Company", "Company Name"),
           used_by=("distribution",)),
        _c("industry", "text", "Industry or sector.", synonyms=("Industry", "Sector")),
        _c("country", "text", "Country or office location.",
           synonyms=("Country", "Office Location", "BillingCountry", "Billing Country")),
        _c("employees", "integer", "Number of employees.",
           synonyms=("Employees", "NumberOfEmployees", "Number of Employees")),
        _c("annual_revenue", "money", "Annual revenue as the export states it.",
           synonyms=("AnnualRevenue", "Annual Revenue", "Revenue")),
        _c("parent", "text", "Parent account.", synonyms=("ParentId", "Parent Account", "Subsidiary Of")),
    ),
)

PRODUCTS = Table(
    name="products",
    label="Products",
    description="Product list with series and list price.",
    key=("product",),
    source_examples="Maven products.csv, Salesforce Product2",
    columns=(
        _c("product", "text", "Product name.", required=True,
           synonyms=("Product", "Product Name", "Name"), used_by=("distribution",)),
        _c("series", "text", "Product series or family.",
           synonyms=("Series", "Family", "Product Family", "Product Line")),
        _c("list_price", "money", "List price.",
           synonyms=("Sales Price", "List Price", "Price", "UnitPrice")),
    ),
)

CONTACTS = Table(
    name="contacts",
    label="Contacts",
    description="Buyer contacts; kept for completeness (no analysis reads them yet).",
    key=("contact_id",),
    derived_key_from=("name", "email"),
    source_examples="Salesforce Contact",
    columns=(
        _c("contact_id", "id", "The contact's ID.", synonyms=("Id", "Contact ID", "ContactId", "Record ID")),
        _c("account", "text", "Account the contact belongs to.", synonyms=("AccountId", "Account", "Company")),
        _c("name", "text", "Full name.", required=True, synonyms=("Name", "Full Name", "Contact Name")),
        _c("title", "text", "Job title.", synonyms=("Title", "Job Title")),
        _c("email", "text", "E-mail.", synonyms=("Email", "E-mail")),
        _c("department", "text", "Department.", synonyms=("Department",)),
    ),
)

LEADS = Table(
    name="leads",
    label="Leads",
    description="Leads before conversion; a leading indicator of pipeline.",
    key=("lead_id",),
    derived_key_from=("name", "company"),
    source_examples="Salesforce Lead, HubSpot contacts in lead stage",
    columns=(
        _c("lead_id", "id", "The lead's ID.", synonyms=("Id", "Lead ID", "LeadId")),
        _c("name", "text", "Lead name.", required=True, synonyms=("Name", "Full Name", "Lead Name")),
        _c("company", "text", "Company.", synonyms=("Company", "Company Name")),
        _c("owner", "text", "Lead owner (name or ID).", synonyms=("OwnerId", "Owner", "Lead Owner"),
           used_by=("activity",)),
        _c("status", "text", "Lead status.", synonyms=("Status", "Lead Status")),
        _c("lead_source", "text", "Lead source.", synonyms=("LeadSource", "Lead Source")),
        _c("is_converted", "bool", "Converted to an opportunity.", synonyms=("IsConverted", "Converted")),
        _c("converted_date", "date", "Conversion date.", synonyms=("ConvertedDate", "Converted Date")),
        _c("converted_opportunity_id", "id", "Opportunity created on conversion.",
           synonyms=("ConvertedOpportunityId",)),
    ),
)

MANAGER_LINKS = Table(
    name="manager_links",
    label="Manager links",
    description="Who manages whom: a person and their manager, from an HR tool. Sets the manager of "
                "people already in the roster (matched by ID, name or e-mail); never adds people. With an "
                "effective date, several rows per person are a reporting-line history: deals and quotas "
                "are credited to the manager of the time, the roster reads the latest.",
    key=("person",),
    history=("effective_date",),
    source_examples="HR export (Employee, Manager), Workday (Worker, Manager), User Email, Manager Email, "
                    "Workday / BambooHR job history (Employee, Reports To, Effective Date)",
    columns=(
        _c("person", "text", "The person: their ID, name or e-mail as the roster holds it.", required=True,
           synonyms=("Employee ID", "EmployeeId", "Employee Number", "Worker ID", "User ID", "UserId",
                     "Person ID", "Employee", "Worker", "Employee Name", "Worker Name", "Person", "Name",
                     "Full Name", "User", "User Name", "User Email", "Employee Email", "Work Email", "Email",
                     "Email Address"),
           used_by=("overview",)),
        _c("person_name", "text", "The person's name, where the file also has their ID.",
           synonyms=("Employee Name", "Worker Name", "Name", "Full Name", "Employee", "Worker", "User Name")),
        _c("manager", "text", "Their manager: an ID, name or e-mail of someone in the roster (or a name).",
           required=True,
           synonyms=("Manager ID", "ManagerId", "Manager Employee ID", "Supervisor ID", "Manager", "Manager Name",
                     "Supervisor", "Supervisor Name", "Line Manager", "Reports To", "Manager Email",
                     "Supervisor Email", "Manager E-mail"),
           used_by=("overview", "attainment", "independence", "capability", "coaching")),
        _c("manager_name", "text", "The manager's name, where the file also has their ID.",
           synonyms=("Manager Name", "Supervisor Name", "Manager", "Supervisor")),
        _c("organisation", "text", "Supervisory organisation or department, as the HR tool names it.",
           synonyms=("Supervisory Organization", "Supervisory Organisation", "Department", "Org Unit")),
        _c("effective_date", "date", "The day this reporting line took effect (a job-history row); the person "
           "reports to this manager until their next row's date.",
           synonyms=("Effective Date", "Effective From", "Valid From", "As Of", "Change Date",
                     "Effective Start Date"),
           used_by=("attainment", "independence")),
        _c("effective_end", "date", "The last day of this reporting line, where the file gives one.",
           synonyms=("Valid To", "Effective End Date", "Effective To"),
           used_by=("attainment", "independence")),
    ),
)

ROLES = Table(
    name="roles",
    label="Role hierarchy",
    description="Roles and the role each reports to (Salesforce UserRole). A person whose role is here and who "
                "has no manager gets as manager the one person holding the parent role.",
    key=("role_id",),
    derived_key_from=("name",),
    source_examples="Salesforce UserRole (Id, Name, ParentRoleId)",
    columns=(
        _c("role_id", "id", "The role's ID; the name when the export has no ID.",
           synonyms=("Id", "Role ID", "RoleId", "UserRoleId", "UserRole ID")),
        _c("name", "text", "Role name.", required=True,
           synonyms=("Name", "Role Name", "Role", "Label"), used_by=("overview",)),
        _c("parent_role_id", "id", "The role it reports to (an ID, or a name).",
           synonyms=("ParentRoleId", "Parent Role ID", "Parent Role", "Reports To Role", "Parent"),
           used_by=("overview",)),
    ),
)

TERRITORIES = Table(
    name="territories",
    label="Territories",
    description="Sales territories with their manager and parent. People whose region is a territory and who "
                "have no manager get its manager; a territory ID in people's region reads as its name.",
    key=("territory_id",),
    derived_key_from=("name",),
    source_examples="Dynamics 365 Territory (Territory Name, Manager, Parent Territory), Salesforce Territory2",
    columns=(
        _c("territory_id", "text", "The territory's ID; the name when the export has no ID.",
           synonyms=("(Do Not Modify) Territory", "Territory ID", "TerritoryId", "Id")),
        _c("name", "text", "Territory name.", required=True,
           synonyms=("Territory Name", "Territory", "Name"), used_by=("overview",)),
        _c("manager", "text", "The territory's manager: a name, or an ID resolved through People.",
           synonyms=("Manager", "Territory Manager", "ManagerId", "Manager ID", "Manager Name"),
           used_by=("overview",)),
        _c("parent", "text", "The parent territory (an ID or a name).",
           synonyms=("Parent Territory", "ParentTerritoryId", "ParentTerritory2Id", "Parent")),
    ),
)

DATA_DICTIONARY = Table(
    name="data_dictionary",
    label="Data dictionary",
    description="Field descriptions that some exports ship with; shown on the Data page for reference.",
    key=("table_name", "field"),
    source_examples="Maven data_dictionary.csv",
    columns=(
        _c("table_name", "text", "Table the field belongs to.", required=True, synonyms=("Table", "Table Name", "Object")),
        _c("field", "text", "Field name.", required=True, synonyms=("Field", "Field Name", "Column")),
        _c("description", "text", "What the field means.", required=True,
           synonyms=("Description", "Definition", "Meaning")),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        PEOPLE, OPPORTUNITIES, ACTIVITIES, STAGE_HISTORY, QUOTAS, REVIEWS, COACHING_SESSIONS,
        DEVELOPMENT_ACTIONS, SURVEYS, ACCOUNTS, PRODUCTS, CONTACTS, LEADS, DATA_DICTIONARY,
        MANAGER_LINKS, ROLES, TERRITORIES,
    )
}


#: Columns that name a person; checked against the roster when one is loaded.
PERSON_REFERENCES: dict[str, tuple[str, ...]] = {
    "opportunities": ("owner",),
    "activities": ("owner",),
    "quotas": ("owner",),
    "reviews": ("rep",),
    "coaching_sessions": ("manager", "rep"),
    "development_actions": ("rep", "manager"),
}

#: Free-text columns whose line breaks mean something (a transcript's speaker turns, a note's
#: bullets): kept at import (``analytics.ingest.values.parse_prose``), where every other text has
#: its whitespace made one space.
MULTILINE_COLUMNS: dict[str, tuple[str, ...]] = {"coaching_sessions": ("notes",), "activities": ("description",)}
#: The four behaviours of a coaching session (columns of ``coaching_sessions``), in FRAMEWORK order.
COACHING_BEHAVIOURS = ("named_specific_gap", "asked_before_telling", "tied_to_plan", "tracked_application")
#: Where a behaviour's value came from (its ``<behaviour>_source``): the export's own flag, read
#: from the session's notes, or a user's correction of a reading.
READING_SOURCES = ("export", "text", "correction")
#: A reading from text at or above this confidence counts as shown; at or below
#: :data:`ABSENT_BELOW` as not shown; in between it is uncertain (the behaviour's value is NULL).
PRESENT_FROM = 0.8
ABSENT_BELOW = 0.2


def reading_columns(behaviour: str) -> tuple[str, str, str]:
    """The companion columns of a behaviour: (source, evidence, confidence).

    >>> reading_columns("tied_to_plan")
    ('tied_to_plan_source', 'tied_to_plan_evidence', 'tied_to_plan_confidence')
    """
    return f"{behaviour}_source", f"{behaviour}_evidence", f"{behaviour}_confidence"


#: Tables that enrich the roster rather than add rows of their own to any analysis.
ENRICHMENT_TABLES = ("manager_links", "roles", "territories")

#: Columns whose values may be a person's e-mail (besides a name or an ID): a value that is one is
#: read in lower case at import, so it joins the roster's ``people.email`` (``v_person_ref``)
#: whatever case either file wrote it in. IDs and names keep their case.
PERSON_EMAIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "manager", "email"),
    "opportunities": ("owner", "owner_manager"),
    "activities": ("owner",),
    "quotas": ("owner", "manager"),
    "reviews": ("rep", "reviewer"),
    "coaching_sessions": ("manager", "rep"),
    "development_actions": ("rep", "manager"),
    "surveys": ("respondent", "subject_manager"),
    "manager_links": ("person", "manager"),
    "territories": ("manager",),
}


#: Owners that are not people: CRM automation, integration and system users, queues (case-insensitive,
#: matched as whole words). Data, not code: add a pattern here. Kept out of people metrics unless the
#: setting ``include_non_person_owners`` is on (:data:`NOT_A_PERSON_SQL`).
NOT_A_PERSON = (
    "automation", "automated", "automated process", "integration", "integration user",
    "platform integration", "system", "queue", "bot", "api", "deactivated user", "sales insights",
    "workflow", "service account", "noreply", "no-reply", "admin",
)
_NOT_A_PERSON_WORDS = "|".join(r"\s+".join(map(re.escape, p.split())) for p in NOT_A_PERSON)
_NOT_A_PERSON_RE = re.compile(r"(?<![0-9a-z])(?:" + _NOT_A_PERSON_WORDS + r")(?![0-9a-z])", re.IGNORECASE)
#: the same test as a DuckDB (RE2) pattern: no look-behind, so the word's edges are matched instead
NOT_A_PERSON_SQL = "(?i)(^|[^0-9a-z])(" + _NOT_A_PERSON_WORDS + ")([^0-9a-z]|$)"


def looks_automated(value: str) -> bool:
    """Whether a value names an automation, integration or system user rather than a person.

    >>> looks_automated("Renewal Bot"), looks_automated("Abbott Bottomley"), looks_automated("# Automated Process")
    (True, False, True)
    """
    return bool(_NOT_A_PERSON_RE.search(str(value)))


def _naming_columns() -> dict[str, tuple[str, ...]]:
    """Per table, the text and ID columns that name a person, team, account, product or record.

    Derived from the definitions above, so a new column is covered by what it is: every ID; the
    columns of a table's key and those a key is derived from; the person references; and a text
    column that shares its name, or one of its headers, with one of those in any table (the
    roster's ``manager`` like a coaching session's, a review's ``reviewer``, recognised under
    "Manager"), or whose recognised headers call it an ID or a name ("Team Name", "ParentId").
    What is left is free text and categories (subject lines, descriptions, regions, statuses).
    """
    core = {
        t.name: {c for c in (*[c.name for c in t.columns if c.type == "id"], *t.key, *t.derived_key_from,
                             *PERSON_REFERENCES.get(t.name, ())) if t.column(c).type in ("text", "id")}
        for t in TABLES.values()
    }
    vocabulary = {normalise_header(c) for cols in core.values() for c in cols}
    out: dict[str, tuple[str, ...]] = {}
    for t in TABLES.values():
        names = core[t.name]
        for col in t.columns:
            headers = {normalise_header(s) for s in col.synonyms} | {normalise_header(col.name)}
            if col.type == "text" and (headers & vocabulary or any(h.endswith(("id", "name")) for h in headers)):
                names.add(col.name)
        out[t.name] = tuple(c.name for c in t.columns if c.name in names)
    return out


#: Columns whose values are names (see ``_naming_columns``): the importers cap them at
#: ``analytics.ingest.values.MAX_NAME_CHARS`` characters, as well as normalising them as all text.
NAMING_COLUMNS: dict[str, tuple[str, ...]] = _naming_columns()

#: Order in which a batch of files is loaded: the roster and reference tables first, so
#: that the other files' owners can be checked against them.
#: Manager links come right after the roster they enrich (they match people already loaded).
LOAD_ORDER = ("people", "manager_links", "roles", "territories", "accounts", "products", "opportunities",
              "stage_history", "activities",
              "quotas", "reviews", "coaching_sessions", "development_actions", "surveys",
              "contacts", "leads", "data_dictionary")


def table(name: str) -> Table:
    """Return the canonical table called ``name``."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; known: {', '.join(TABLES)}") from None


# ---------------------------------------------------------------------------------------
# Stage mapping: which CRM stage names mean closed, and which of those mean won.
# The user edits it on the Data page; this is the starting point.
# ---------------------------------------------------------------------------------------
WON_STAGES = ("won", "closed won", "closedwon", "closed - won", "deal won", "signed", "booked")
LOST_STAGES = (
    "lost", "closed lost", "closedlost", "closed - lost", "canceled", "cancelled",
    "closed canceled", "closed cancelled", "disqualified", "closed - disqualified", "abandoned",
    "no decision", "closed no decision", "dead", "churned",
)


def default_stage_outcome(stage: str | None) -> tuple[bool, bool]:
    """(is_closed, is_won) for a stage name under the default mapping.

    >>> default_stage_outcome("Closed Won")
    (True, True)
    >>> default_stage_outcome("Canceled")
    (True, False)
    >>> default_stage_outcome("Negotiation/Review")
    (False, False)
    """
    key = re.sub(r"\s+", " ", str(stage or "").strip().lower())
    if key in WON_STAGES:
        return True, True
    if key in LOST_STAGES:
        return True, False
    return False, False


@dataclass(frozen=True)
class Requirement:
    """What an analysis needs: tables and, for each, the columns that must hold values."""

    analysis: str
    needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    explanation: str = ""


#: The coverage panel's rules. Each names the export that would fill the analysis.
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("overview", {"opportunities": ("owner", "amount")},
                "The overview needs an opportunities export with owner and amount."),
    Requirement("attainment", {"opportunities": ("owner", "amount", "close_date"),
                               "quotas": ("owner", "period_start", "period_end", "amount")},
                "Attainment needs closed-won deals with owner, amount and close date, and a quota export with owner, period and amount."),
    Requirement("pipeline", {"opportunities": ("owner", "amount", "stage", "created_date", "close_date")},
                "Pipeline KPIs need an opportunities export with owner, amount, stage, created and close dates."),
    Requirement("stage_flow", {"stage_history": ("opportunity_id", "stage", "changed_at")},
                "Time in stage needs an opportunity stage-history export (Salesforce OpportunityHistory) with opportunity, stage and date."),
    Requirement("activity", {"activities": ("owner", "activity_date")},
                "Activity standards need an activities export (Salesforce Task) with owner and date."),
    Requirement("independence", {"opportunities": ("owner", "amount", "close_date"),
                                 "people": ("name", "manager")},
                "Execution independence needs closed deals with owner and amount, a roster with each rep's manager, and either a manager-involved flag or activities linked to deals."),
    Requirement("capability", {"reviews": ("rep", "capability", "cycle", "score")},
                "Capability movement needs a review export with rep, capability, cycle and score."),
    Requirement("follow_through", {"development_actions": ("rep", "assigned_date", "due_date", "completed_date")},
                "Follow-through needs a development-actions export with rep, assigned, due and completed dates."),
    Requirement("coaching", {"coaching_sessions": ("manager", "rep", "session_date")},
                "Coaching evidence needs a coaching-session log with manager, rep, date and the four behaviour flags."),
    Requirement("confidence_gap", {"surveys": ("respondent", "subject_manager", "item", "score")},
                "The confidence gap needs a survey export where managers rate their own coaching and reps rate their manager's."),
    Requirement("lead_dial", {"surveys": ("subject_manager", "item", "score")},
                "The Lead dial needs rep survey items on direction, motivation and buy-in (and a roster with start and end dates for retention)."),
    Requirement("distribution", {"opportunities": ("owner", "amount", "account", "product")},
                "Pareto views need closed deals with owner, amount, account and product."),
)
