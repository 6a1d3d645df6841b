import DomainLists
import Testing

@Suite("Free-mail and disposable lists")
struct DomainListsTests {
    @Test func freeMailAndDisposableAreSeparateLists() {
        #expect(DomainLists.isFreeMail("gmail.com"))
        #expect(DomainLists.isFreeMail("NAVER.COM"))
        #expect(DomainLists.isFreeMail("hanmail.net"))
        #expect(!DomainLists.isDisposable("gmail.com"))
        #expect(DomainLists.isDisposable("mailinator.com"))
        #expect(DomainLists.isDisposable("mx.yopmail.com"), "subdomains count")
        #expect(!DomainLists.isFreeMail("mailinator.com"))
        #expect(!DomainLists.isFreeMail("samsung.com") && !DomainLists.isDisposable("samsung.com"))
        #expect(!DomainLists.isFreeMail("com") && !DomainLists.isDisposable("com"))
        #expect(!DomainLists.isFreeMail("notgmail.com"), "a suffix match needs a dot boundary")
        #expect(DomainLists.freeMail.isDisjoint(with: DomainLists.disposable))
    }

    @Test func listsAreWellFormed() {
        #expect(DomainLists.disposable.count >= 200)
        #expect(DomainLists.freeMail.count >= 30)
        for domain in DomainLists.freeMail.union(DomainLists.disposable) {
            #expect(domain == domain.lowercased(), "\(domain)")
            #expect(domain.split(separator: ".").count >= 2, "\(domain)")
            #expect(
                domain.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }, "\(domain)")
        }
    }
}
