package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.validation.ConfTokens.Token;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one pg_hba.conf line against the Postgres 15 syntax, so a bad entry is refused by the API
 * instead of making Postgres ignore the whole file on reload.
 * <pre>
 * local  DATABASE USER METHOD [OPTIONS]
 * host*  DATABASE USER ADDRESS METHOD [OPTIONS]     ADDRESS = CIDR | IP MASK | hostname | all | samehost | samenet
 * </pre>
 */
final class PgHbaLine {

    static final Set<String> TYPES = Set.of("local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc");
    static final Set<String> METHODS = Set.of("trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi",
            "ident", "peer", "pam", "ldap", "radius", "cert", "bsd");
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^\\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");
    private static final Pattern OPTION = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=.*$", Pattern.DOTALL);

    private PgHbaLine() {
    }

    /** Comment and blank lines are valid and ignored by Postgres. */
    static boolean isBlankOrComment(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    /** Why the line is not a valid entry, or empty when it is. */
    static Optional<String> problem(String line) {
        if (line.contains("\n") || line.contains("\r")) {
            return Optional.of("must be a single line");
        }
        if (isBlankOrComment(line)) {
            return Optional.empty();
        }
        ConfTokens.Result split = ConfTokens.split(line);
        if (split.error().isPresent()) {
            return split.error();
        }
        List<Token> t = split.tokens();
        String type = t.get(0).text();
        if (t.get(0).quoted() || !TYPES.contains(type)) {
            return Optional.of("invalid connection type \"" + type + "\"");
        }
        if (t.size() < 2) {
            return Optional.of("missing database");
        }
        if (t.size() < 3) {
            return Optional.of("missing user");
        }
        Optional<String> list = listProblem(t.get(1), "database").or(() -> listProblem(t.get(2), "user"));
        if (list.isPresent()) {
            return list;
        }
        int next = 3;
        if (!type.equals("local")) {
            if (t.size() <= next) {
                return Optional.of("missing address");
            }
            AddressCheck address = address(t, next);
            if (address.problem().isPresent()) {
                return address.problem();
            }
            next += address.consumed();
        }
        if (t.size() <= next) {
            return Optional.of("missing authentication method");
        }
        Token method = t.get(next);
        if (method.quoted() || !METHODS.contains(method.text())) {
            return Optional.of("invalid authentication method \"" + method.text() + "\"");
        }
        for (int i = next + 1; i < t.size(); i++) {
            if (!OPTION.matcher(t.get(i).text()).matches()) {
                return Optional.of("authentication option \"" + t.get(i).text() + "\" is not in name=value format");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> listProblem(Token token, String what) {
        if (token.text().isEmpty()) {
            return Optional.of("missing " + what);
        }
        if (!token.quoted()) {
            for (String item : token.text().split(",", -1)) {
                if (item.isEmpty()) {
                    return Optional.of("empty entry in " + what + " list");
                }
            }
        }
        return Optional.empty();
    }

    private record AddressCheck(int consumed, Optional<String> problem) {
        static AddressCheck ok(int consumed) {
            return new AddressCheck(consumed, Optional.empty());
        }

        static AddressCheck bad(String problem) {
            return new AddressCheck(0, Optional.of(problem));
        }
    }

    private static AddressCheck address(List<Token> t, int at) {
        String a = t.get(at).text();
        if (!t.get(at).quoted() && Set.of("all", "samehost", "samenet").contains(a)) {
            return AddressCheck.ok(1);
        }
        int slash = a.indexOf('/');
        String ip = slash >= 0 ? a.substring(0, slash) : a;
        boolean v4 = IPV4.matcher(ip).matches();
        boolean v6 = ip.contains(":");
        if (!v4 && !v6) {
            if (slash < 0 && !looksNumeric(a) && HOSTNAME.matcher(a).matches()) {
                return AddressCheck.ok(1);
            }
            return AddressCheck.bad("invalid IP address or hostname \"" + a + "\"");
        }
        if (!validIp(ip, v4)) {
            return AddressCheck.bad("invalid IP address \"" + ip + "\"");
        }
        int maxBits = v4 ? 32 : 128;
        if (slash >= 0) {
            String bits = a.substring(slash + 1);
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > maxBits) {
                return AddressCheck.bad("invalid CIDR mask in address \"" + a + "\"");
            }
            return AddressCheck.ok(1);
        }
        // An address without /bits takes its mask from the next field.
        if (t.size() <= at + 1) {
            return AddressCheck.bad("IP address \"" + a + "\" needs a CIDR mask or a separate netmask");
        }
        String mask = t.get(at + 1).text();
        boolean maskV4 = IPV4.matcher(mask).matches();
        if (maskV4 != v4 || !validIp(mask, maskV4)) {
            return AddressCheck.bad("invalid netmask \"" + mask + "\"");
        }
        return AddressCheck.ok(2);
    }

    private static boolean looksNumeric(String s) {
        return s.matches("^[0-9.]+$");
    }

    private static boolean validIp(String ip, boolean v4) {
        if (v4) {
            var m = IPV4.matcher(ip);
            if (!m.matches()) {
                return false;
            }
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(m.group(g)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (!IPV6_CHARS.matcher(ip).matches()) {
            return false;
        }
        try {
            // With a ':' in it, Java parses an IPv6 literal and never asks DNS.
            return InetAddress.getByName(ip) != null;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
