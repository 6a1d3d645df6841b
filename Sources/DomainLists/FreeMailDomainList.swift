/// Free-mail providers: anyone can open a mailbox there, so an address proves no company.
///
/// Maintained by hand (moved from Messaging's `FreeMailDomains`): one domain a line, lower-case.
enum FreeMailDomainList {
    static let text = """
        gmail.com
        googlemail.com
        naver.com
        daum.net
        hanmail.net
        kakao.com
        nate.com
        empas.com
        hotmail.com
        outlook.com
        live.com
        msn.com
        yahoo.com
        yahoo.co.kr
        yahoo.co.jp
        ymail.com
        icloud.com
        me.com
        mac.com
        aol.com
        gmx.com
        gmx.net
        gmx.de
        web.de
        mail.com
        mail.ru
        yandex.com
        yandex.ru
        qq.com
        163.com
        126.com
        proton.me
        protonmail.com
        pm.me
        tutanota.com
        tuta.io
        zoho.com
        fastmail.com
        hey.com
        """
}
