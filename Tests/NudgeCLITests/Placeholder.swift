import Testing

struct CLIPlaceholder {
    @Test func nothingYet() {}
}
