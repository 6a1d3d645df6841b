extension BuiltInTemplates {
    /// English mail and SMS templates (`en/...`). A greeting's `name` is optional: without it the
    /// `{{^name}}` branch greets neutrally.
    static let english: [String: String] = [
        "en/welcome.subject": "Welcome to Blueprint{{#name}}, {{name}}{{/name}}",
        "en/welcome.text": """
            {{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}

            Welcome to Blueprint. Have a look at the projects waiting for you.

            The Blueprint team
            """,
        "en/welcome.html": """
            <p>{{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}</p>
            <p>Welcome to Blueprint. Have a look at the projects waiting for you.</p>
            <p>The Blueprint team</p>
            """,
        "en/verification_code_signup.subject": "[Blueprint] Your sign-up code {{code}}",
        "en/verification_code_signup.text": """
            Hello,

            Your sign-up verification code is {{code}}.
            It expires in 10 minutes. If you did not ask for it, ignore this mail.

            The Blueprint team
            """,
        "en/verification_code_signup.html": """
            <p>Hello,</p>
            <p>Your sign-up verification code is <strong style="font-size:20px;letter-spacing:4px">{{code}}</strong>.</p>
            <p>It expires in 10 minutes. If you did not ask for it, ignore this mail.</p>
            <p>The Blueprint team</p>
            """,
        "en/verification_code_login.subject": "[Blueprint] Your sign-in code {{code}}",
        "en/verification_code_login.text": """
            Hello,

            Your sign-in verification code is {{code}}.
            It expires in 10 minutes. If this was not you, change your password.

            The Blueprint team
            """,
        "en/verification_code_login.html": """
            <p>Hello,</p>
            <p>Your sign-in verification code is <strong style="font-size:20px;letter-spacing:4px">{{code}}</strong>.</p>
            <p>It expires in 10 minutes. If this was not you, change your password.</p>
            <p>The Blueprint team</p>
            """,
        "en/work_email_verification.subject": "[Blueprint] Confirm your work email: {{code}}",
        "en/work_email_verification.text": """
            Hello,

            Your work email verification (level 2) code{{#company_name}} for {{company_name}}{{/company_name}} is {{code}}.
            It expires in 10 minutes.

            The Blueprint team
            """,
        "en/work_email_verification.html": """
            <p>Hello,</p>
            <p>Your work email verification (level 2) code{{#company_name}} for {{company_name}}{{/company_name}} is <strong>{{code}}</strong>.</p>
            <p>It expires in 10 minutes.</p>
            <p>The Blueprint team</p>
            """,
        "en/project_update.subject": "[Blueprint] News from {{project_name}}",
        "en/project_update.text": """
            {{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}

            There is news from the project {{project_name}}:

            {{update}}

            The Blueprint team
            """,
        "en/project_update.html": """
            <p>{{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}</p>
            <p>There is news from the project <strong>{{project_name}}</strong>:</p>
            <blockquote>{{update}}</blockquote>
            <p>The Blueprint team</p>
            """,
        "en/trade_completed.subject": "[Blueprint] Trade completed ({{item}})",
        "en/trade_completed.text": """
            {{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}

            Your trade of {{item}} is complete.
            Amount: KRW {{amount}}
            Trade number: {{trade_id}}

            The Blueprint team
            """,
        "en/trade_completed.html": """
            <p>{{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}</p>
            <p>Your trade of <strong>{{item}}</strong> is complete.</p>
            <ul><li>Amount: KRW {{amount}}</li><li>Trade number: {{trade_id}}</li></ul>
            <p>The Blueprint team</p>
            """,
        "en/verification_code.sms": "[Blueprint] Your verification code is {{code}}.",
        "en/trade_completed.sms": "[Blueprint] Trade of {{item}} completed: KRW {{amount}}, no. {{trade_id}}.",
    ]
}
