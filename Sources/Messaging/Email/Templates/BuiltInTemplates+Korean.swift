extension BuiltInTemplates {
    /// Korean mail and SMS templates (`ko/...`). A greeting's `name` is optional: without it the
    /// `{{^name}}` branch greets neutrally.
    static let korean: [String: String] = [
        "ko/welcome.subject": "{{#name}}{{name}}님, {{/name}}블루프린트에 오신 것을 환영합니다",
        "ko/welcome.text": """
            {{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}

            블루프린트 가입을 환영합니다. 지금 바로 프로젝트를 둘러보세요.

            블루프린트 드림
            """,
        "ko/welcome.html": """
            <p>{{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}</p>
            <p>블루프린트 가입을 환영합니다. 지금 바로 프로젝트를 둘러보세요.</p>
            <p>블루프린트 드림</p>
            """,
        "ko/verification_code_signup.subject": "[블루프린트] 회원가입 인증 코드 {{code}}",
        "ko/verification_code_signup.text": """
            안녕하세요.

            회원가입 인증 코드는 {{code}} 입니다.
            10분 안에 입력해 주세요. 요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.

            블루프린트 드림
            """,
        "ko/verification_code_signup.html": """
            <p>안녕하세요.</p>
            <p>회원가입 인증 코드는 <strong style="font-size:20px;letter-spacing:4px">{{code}}</strong> 입니다.</p>
            <p>10분 안에 입력해 주세요. 요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.</p>
            <p>블루프린트 드림</p>
            """,
        "ko/verification_code_login.subject": "[블루프린트] 로그인 인증 코드 {{code}}",
        "ko/verification_code_login.text": """
            안녕하세요.

            로그인 인증 코드는 {{code}} 입니다.
            10분 안에 입력해 주세요. 본인이 시도하지 않은 로그인이라면 비밀번호를 변경해 주세요.

            블루프린트 드림
            """,
        "ko/verification_code_login.html": """
            <p>안녕하세요.</p>
            <p>로그인 인증 코드는 <strong style="font-size:20px;letter-spacing:4px">{{code}}</strong> 입니다.</p>
            <p>10분 안에 입력해 주세요. 본인이 시도하지 않은 로그인이라면 비밀번호를 변경해 주세요.</p>
            <p>블루프린트 드림</p>
            """,
        "ko/work_email_verification.subject": "[블루프린트] 회사 이메일 인증 코드 {{code}}",
        "ko/work_email_verification.text": """
            안녕하세요.

            {{#company_name}}{{company_name}} {{/company_name}}회사 이메일 인증(레벨 2) 코드는 {{code}} 입니다.
            10분 안에 입력해 주세요.

            블루프린트 드림
            """,
        "ko/work_email_verification.html": """
            <p>안녕하세요.</p>
            <p>{{#company_name}}{{company_name}} {{/company_name}}회사 이메일 인증(레벨 2) 코드는 <strong>{{code}}</strong> 입니다.</p>
            <p>10분 안에 입력해 주세요.</p>
            <p>블루프린트 드림</p>
            """,
        "ko/project_update.subject": "[블루프린트] {{project_name}} 프로젝트 소식",
        "ko/project_update.text": """
            {{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}

            {{project_name}} 프로젝트에 새 소식이 있습니다.

            {{update}}

            블루프린트 드림
            """,
        "ko/project_update.html": """
            <p>{{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}</p>
            <p><strong>{{project_name}}</strong> 프로젝트에 새 소식이 있습니다.</p>
            <blockquote>{{update}}</blockquote>
            <p>블루프린트 드림</p>
            """,
        "ko/trade_completed.subject": "[블루프린트] 거래가 완료되었습니다 ({{item}})",
        "ko/trade_completed.text": """
            {{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}

            {{item}} 거래가 완료되었습니다.
            거래 금액: {{amount}}원
            거래 번호: {{trade_id}}

            블루프린트 드림
            """,
        "ko/trade_completed.html": """
            <p>{{#name}}{{name}}님, 안녕하세요.{{/name}}{{^name}}안녕하세요.{{/name}}</p>
            <p><strong>{{item}}</strong> 거래가 완료되었습니다.</p>
            <ul><li>거래 금액: {{amount}}원</li><li>거래 번호: {{trade_id}}</li></ul>
            <p>블루프린트 드림</p>
            """,
        "ko/verification_code.sms": "[블루프린트] 인증번호 {{code}}를 입력해 주세요.",
        "ko/trade_completed.sms": "[블루프린트] {{item}} 거래가 완료되었습니다. 거래 금액 {{amount}}원, 거래 번호 {{trade_id}}. 자세한 내용은 앱에서 확인해 주세요.",
    ]
}
