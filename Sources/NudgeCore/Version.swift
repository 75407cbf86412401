/// The version of nudge: the one place `nudge --version`, the Debian package (`scripts/deb.sh`) and the
/// man pages take it from.
public enum NudgeVersion {
    public static let current = "1.0.0"
}
