/// Trimming without Foundation.
extension StringProtocol {
    /// `self` without leading and trailing characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        String(self.drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
