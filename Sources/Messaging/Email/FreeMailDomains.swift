/// Free-mail and disposable-mail domains, refused for work-email verification (level 2).
///
/// Maintained here: add a domain on its own line, lower-case. A subdomain of a listed domain is
/// refused too (`mx.mailinator.com`).
public enum FreeMailDomains {
    static let list = """
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
        mailinator.com
        guerrillamail.com
        guerrillamail.net
        sharklasers.com
        10minutemail.com
        10minutemail.net
        temp-mail.org
        tempmail.com
        tempmail.net
        tempmailo.com
        throwawaymail.com
        yopmail.com
        yopmail.net
        trashmail.com
        trashmail.de
        getnada.com
        dispostable.com
        maildrop.cc
        mailnesia.com
        mintemail.com
        mohmal.com
        emailondeck.com
        fakeinbox.com
        spamgourmet.com
        burnermail.io
        discard.email
        33mail.com
        """

    /// The listed domains.
    public static let domains: Set<String> = Set(list.split(separator: "\n").map { String($0).trimmingSpacesAndCase }.filter { !$0.isEmpty })

    /// Whether `domain` (or a parent domain of it) is free-mail or disposable.
    public static func contains(_ domain: String) -> Bool {
        var labels = domain.lowercased().split(separator: ".")
        while labels.count >= 2 {
            if Self.domains.contains(labels.joined(separator: ".")) { return true }
            labels.removeFirst()
        }
        return false
    }
}

extension String {
    fileprivate var trimmingSpacesAndCase: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()).lowercased()
    }
}
