/// The caller's body sequence or consumer threw `underlying`.
struct CallerStreamFailure: Error {
    let underlying: any Error
}
