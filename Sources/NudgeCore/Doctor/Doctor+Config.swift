import Foundation

extension Doctor {
    /// The config's checks, and the config itself when it is valid apart from its permissions (so the
    /// other checks can still look at its channels and zone).
    func examineConfig() -> (checks: [DoctorCheck], config: Config?) {
        let loader = ConfigLoader(environment: environment, now: now)
        let loaded = loader.load(path: configPath)
        // The same text loaded without the permission rule: what differs is what the rule refused.
        var relaxed = loaded
        var mode: mode_t?
        var info = stat()
        if stat(configPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= Defaults.maxConfigBytes,
            let data = FileManager.default.contents(atPath: configPath)
        {
            mode = info.st_mode & 0o777
            relaxed = loader.load(data: data, path: configPath)
        }
        let refused = loaded.diagnostics.filter { !relaxed.diagnostics.contains($0) }

        let valid: DoctorCheck
        let errors = relaxed.diagnostics.filter { $0.severity == .error }
        let warnings = relaxed.diagnostics.filter { $0.severity == .warning }
        if let first = errors.first {
            let missing = access(configPath, F_OK) != 0 && errno == ENOENT
            let more = errors.count > 1 ? " (and \(Self.count(errors.count - 1, "more error")))" : ""
            valid = .failed(
                "config", first.headline + more, fix: "run: " + nudge(missing ? "init" : "check"))
        } else if let config = relaxed.config {
            let what = "\(configPath): \(Self.count(config.commitments.count, "commitment"))"
            if let first = warnings.first {
                valid = .warning(
                    "config", "\(what), \(Self.count(warnings.count, "warning")): \(first.message)",
                    fix: "run: " + nudge("check"))
            } else {
                valid = .passed("config", what)
            }
        } else {
            valid = .failed("config", "\(configPath): cannot be read", fix: "run: " + nudge("check"))
        }

        let octal = mode.map { String(format: "%04o", $0) } ?? ""
        let permissions: DoctorCheck
        if let mode {
            if let rule = refused.first {
                let hint = rule.hint ?? ""
                let fix = hint.range(of: "fix with: ").map { String(hint[$0.upperBound...]) }
                permissions = .failed(
                    "config permissions", "mode \(octal): \(rule.message)",
                    fix: "run: " + (fix ?? "chmod go-w \(Self.quote(configPath))"))
            } else if info.st_uid != geteuid() {
                permissions = .warning(
                    "config permissions",
                    "it belongs to another user (uid \(info.st_uid)); nudge will refuse it once it runs programs",
                    fix: "run: chown $(id -u) \(Self.quote(configPath))")
            } else if mode & 0o022 != 0 {
                permissions = .warning(
                    "config permissions",
                    "mode \(octal): writable by \(mode & 0o020 != 0 ? "its group" : "others"); nudge will refuse it "
                        + "once it runs programs (a command channel or sendmail)",
                    fix: "run: chmod go-w \(Self.quote(configPath))")
            } else {
                permissions = .passed("config permissions", "mode \(octal), writable by you only")
            }
        } else {
            permissions = .warning("config permissions", "not checked: no config file to read")
        }
        return ([valid, permissions], relaxed.config)
    }

    /// The zone commitments are read in, and where it came from.
    func examineZone(_ config: Config?) -> (check: DoctorCheck, zone: Zone) {
        let system = Zone.current(environment: environment)
        let systemSource: String
        if let tz = environment["TZ"] {
            systemSource = "$TZ=\(tz)"
        } else if FileManager.default.fileExists(atPath: "/etc/localtime") {
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime")
            systemSource = "/etc/localtime" + (target.map { " → \($0)" } ?? "")
        } else {
            systemSource = ""
        }
        func now(in zone: Zone) -> String {
            let off = zone.offset(atSeconds: self.now.seconds)
            let local = zone.local(self.now)
            return String(format: "%02lld:%02lld", local.hour, local.minute)
                + (off.abbreviation.isEmpty ? "" : " \(off.abbreviation)")
        }

        if let config, let text = try? String(contentsOfFile: configPath, encoding: .utf8),
            let key = TOMLLocator(source: text).key(["settings", "timezone"])
        {
            let zone = config.settings.timezone
            let file = (configPath as NSString).lastPathComponent
            let differs = zone.name != system.name ? "; the system's is \(system.name)" : ""
            return (
                .passed(
                    "time zone",
                    "\(zone.name) (now \(now(in: zone))), from settings.timezone in \(file):\(key.line)\(differs)"),
                zone
            )
        }
        if systemSource.isEmpty {
            return (
                .warning(
                    "time zone", "UTC: no $TZ, no /etc/localtime and no settings.timezone",
                    fix: "set timezone = \"Area/City\" in [settings] of \(Self.quote(configPath))"),
                system
            )
        }
        if let tz = environment["TZ"], !Zone.exists(tz.hasPrefix(":") ? String(tz.dropFirst()) : tz),
            ZoneRule(tz) == nil
        {
            return (
                .warning(
                    "time zone", "$TZ=\(tz) is no zone in \(Zone.directory): times are read as UTC",
                    fix: "export TZ=Area/City (a file under \(Zone.directory)), or set timezone in [settings]"),
                system
            )
        }
        return (.passed("time zone", "\(system.name) (now \(now(in: system))), from \(systemSource)"), system)
    }

    /// The channel names some nudge can go to: every enabled commitment's, the defaults (which commitments
    /// added from the command line use) and the fallback.
    static func channelsInUse(_ config: Config) -> Set<String> {
        var names = Set(config.settings.channels + [config.settings.fallback])
        for c in config.commitments where c.enabled { names.formUnion(c.channels) }
        return names
    }

    /// One check per email channel and per command channel in use: is its program there and executable?
    func examinePrograms(_ config: Config?) -> [DoctorCheck] {
        guard let config else {
            return [
                .warning("email", "not checked without a valid config"),
                .warning("command", "not checked without a valid config"),
            ]
        }
        let used = Self.channelsInUse(config)
        let channels = config.channels.values.sorted { $0.name < $1.name }
        var checks: [DoctorCheck] = []
        for kind in ["email", "command"] {
            let mine = channels.filter { $0.kind.name == kind }
            let inUse = mine.filter { used.contains($0.name) }
            guard !inUse.isEmpty else {
                let defined = mine.map { "\"\($0.name)\"" }.joined(separator: ", ")
                checks.append(
                    .passed(
                        kind, mine.isEmpty ? "not used" : "not used (\(defined) defined, but no commitment uses it)"))
                continue
            }
            for channel in inUse {
                switch channel.kind {
                case .email(_, _, let sendmail, _):
                    checks.append(
                        program(
                            sendmail.first ?? "", check: "channel \(channel.name) (email)", role: "sendmail",
                            install:
                                "install one (apt install msmtp-mta), or set sendmail = [\"/usr/bin/msmtp\", \"-t\"] "
                                + "in [channel.\(channel.name)]"))
                case .command(let argv, _):
                    let name = argv.first ?? ""
                    checks.append(
                        program(
                            name, check: "channel \(channel.name) (command)", role: "runs",
                            install: "install \(name), or give its full path in [channel.\(channel.name)] command"))
                default:
                    break
                }
            }
        }
        return checks
    }

    /// Whether `name` (a path, or a name looked up in PATH as the channel would) is an executable file.
    private func program(_ name: String, check: String, role: String, install: String) -> DoctorCheck {
        let path: String
        do {
            path = try Subprocess.resolve(name, searchPath: environment["PATH"])
        } catch {
            return .failed(check, "\(name) not found" + (name.contains("/") ? "" : " in PATH"), fix: install)
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failed(check, "\(path) is not a program", fix: install)
        }
        guard access(path, X_OK) == 0, info.st_mode & 0o111 != 0 else {
            return .failed(check, "\(path) is not executable", fix: "run: chmod +x \(Self.quote(path))")
        }
        return .passed(check, "\(role) \(path)")
    }
}
