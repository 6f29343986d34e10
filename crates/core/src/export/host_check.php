<?php
// The body of Portolan's host check page (export format `check_php`). Portolan writes the
// PORTOLAN_* constants above this body; the body reads nothing from the request, so the page
// cannot be pointed at another server. It never signs in and never sends an email.

if (!defined('PORTOLAN_HOST')) {
    define('PORTOLAN_HOST', 'localhost');
    define('PORTOLAN_PORTS', [[587, 'starttls']]);
    define('PORTOLAN_EXPIRES', 0);
    define('PORTOLAN_EXPIRES_TEXT', '');
    define('PORTOLAN_EHLO', 'localhost');
}

const PORTOLAN_CONNECT_SECONDS = 8;
const PORTOLAN_READ_SECONDS = 10;
const PORTOLAN_MAX_LINES = 100;

$portolan_cli = (PHP_SAPI === 'cli');

/** Shows the page (HTML on a web server, text on a terminal) and stops. */
function portolan_show(string $title, array $lines, int $status, int $exit): void
{
    global $portolan_cli;
    if ($portolan_cli) {
        echo $title, "\n\n";
        foreach ($lines as $l) {
            echo ($l[0] === '' ? '' : $l[0] . ' '), $l[1], "\n";
        }
        exit($exit);
    }
    http_response_code($status);
    header('Content-Type: text/html; charset=utf-8');
    header('Cache-Control: no-store');
    header('X-Robots-Tag: noindex, nofollow');
    $h = function (string $s): string {
        return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    };
    echo '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>', $h($title), '</title>',
        '<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;',
        'padding:0 1rem;line-height:1.5;color:#1a1a1a}li{margin:.3rem 0}',
        '.mark{font-weight:700}</style></head><body>',
        '<h1>', $h($title), '</h1><ul>';
    foreach ($lines as $l) {
        echo '<li><span class="mark">', $h($l[0]), '</span> ', $h($l[1]), '</li>';
    }
    echo '</ul></body></html>';
    exit(0);
}

/** The host for a URL: IPv6 literals in brackets. */
function portolan_target(): string
{
    $h = PORTOLAN_HOST;
    return filter_var($h, FILTER_VALIDATE_IP, FILTER_FLAG_IPV6) ? '[' . $h . ']' : $h;
}

/** One SMTP reply: [code, text], or null when none came in time. Bounded in lines. */
function portolan_reply($fp): ?array
{
    $text = '';
    for ($i = 0; $i < PORTOLAN_MAX_LINES; $i++) {
        $line = fgets($fp, 1024);
        if ($line === false) {
            return null;
        }
        $text .= rtrim($line, "\r\n") . ' ';
        if (strlen($line) < 4 || $line[3] !== '-') {
            return [(int) substr($line, 0, 3), trim($text)];
        }
    }
    return null;
}

function portolan_send($fp, string $line): bool
{
    return fwrite($fp, $line . "\r\n") !== false;
}

/** The certificate's facts: names, issuer, dates. */
function portolan_cert($fp): ?array
{
    if (!function_exists('openssl_x509_parse')) {
        return null;
    }
    $params = stream_context_get_params($fp);
    $cert = $params['options']['ssl']['peer_certificate'] ?? null;
    if ($cert === null) {
        return null;
    }
    $c = openssl_x509_parse($cert);
    if (!is_array($c)) {
        return null;
    }
    $names = [];
    foreach (explode(',', $c['extensions']['subjectAltName'] ?? '') as $n) {
        $n = trim($n);
        if (strpos($n, 'DNS:') === 0) {
            $names[] = substr($n, 4);
        } elseif (strpos($n, 'IP Address:') === 0) {
            $names[] = substr($n, 11);
        }
    }
    if (!$names && isset($c['subject']['CN'])) {
        $names[] = (string) $c['subject']['CN'];
    }
    $issuer = $c['issuer']['O'] ?? ($c['issuer']['CN'] ?? '?');
    return [
        'names' => $names,
        'issuer' => is_array($issuer) ? implode(', ', $issuer) : (string) $issuer,
        'from' => (int) ($c['validFrom_time_t'] ?? 0),
        'until' => (int) ($c['validTo_time_t'] ?? 0),
    ];
}

/** Why a certificate was refused, from a second look that does not verify it. */
function portolan_cert_problem(int $port, string $security): string
{
    $ctx = stream_context_create(['ssl' => [
        'verify_peer' => false,
        'verify_peer_name' => false,
        'capture_peer_cert' => true,
        'SNI_enabled' => true,
        'peer_name' => PORTOLAN_HOST,
    ]]);
    $fp = @stream_socket_client('tcp://' . portolan_target() . ':' . $port, $errno, $errstr,
        PORTOLAN_CONNECT_SECONDS, STREAM_CLIENT_CONNECT, $ctx);
    if ($fp === false) {
        return 'The certificate was not accepted.';
    }
    stream_set_timeout($fp, PORTOLAN_READ_SECONDS);
    if ($security === 'starttls') {
        portolan_reply($fp);
        portolan_send($fp, 'EHLO ' . PORTOLAN_EHLO);
        portolan_reply($fp);
        portolan_send($fp, 'STARTTLS');
        portolan_reply($fp);
    }
    $ok = @stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
    $c = $ok ? portolan_cert($fp) : null;
    fclose($fp);
    if ($c === null) {
        return 'The certificate was not accepted.';
    }
    $now = time();
    if ($c['until'] < $now) {
        return 'The certificate expired on ' . gmdate('j F Y', $c['until'])
            . '. The mail server\'s administrator must renew it.';
    }
    if ($c['from'] > $now) {
        return 'The certificate is valid only from ' . gmdate('j F Y', $c['from'])
            . '. Check this host\'s date and time first; if they are right, the mail server\'s '
            . 'certificate was installed too early.';
    }
    $match = false;
    foreach ($c['names'] as $n) {
        if (strcasecmp($n, PORTOLAN_HOST) === 0
            || (strpos($n, '*.') === 0 && strcasecmp(substr($n, 1), strstr(PORTOLAN_HOST, '.') ?: '') === 0)) {
            $match = true;
        }
    }
    if (!$match) {
        return 'The certificate is for another name (' . implode(', ', $c['names'])
            . '), not ' . PORTOLAN_HOST . '.';
    }
    return 'The certificate, issued by "' . $c['issuer'] . '", is not from an authority this '
        . 'host trusts. This host\'s list of authorities may be out of date, or the mail '
        . 'server uses a private certificate.';
}

/**
 * The network steps on one port: connect, (encryption,) greeting, EHLO, (STARTTLS,
 * encryption, EHLO again). Returns [works, lines].
 */
function portolan_port(int $port, string $security): array
{
    $lines = [];
    $ctx = stream_context_create(['ssl' => [
        'verify_peer' => true,
        'verify_peer_name' => true,
        'peer_name' => PORTOLAN_HOST,
        'capture_peer_cert' => true,
        'SNI_enabled' => true,
    ]]);
    $t0 = microtime(true);
    $fp = @stream_socket_client('tcp://' . portolan_target() . ':' . $port, $errno, $errstr,
        PORTOLAN_CONNECT_SECONDS, STREAM_CLIENT_CONNECT, $ctx);
    if ($fp === false) {
        $e = strtolower((string) $errstr);
        if ($errno === 111 || $errno === 10061 || strpos($e, 'refused') !== false) {
            $lines[] = ['✗', "Port $port: refused. Nothing accepts connections on this port."];
        } elseif ($errno === 110 || $errno === 10060 || strpos($e, 'timed out') !== false) {
            $lines[] = ['✗', "Port $port: no answer. Usually the server does not offer this "
                . 'port; otherwise this host blocks outgoing connections to it (many hosting '
                . 'companies block mail ports).'];
        } else {
            $lines[] = ['✗', "Port $port: the connection could not be opened ($errstr)."];
        }
        return [false, $lines];
    }
    stream_set_timeout($fp, PORTOLAN_READ_SECONDS);
    $lines[] = ['✓', "Port $port: connected (" . round((microtime(true) - $t0) * 1000) . ' ms).'];
    $crypto = function () use ($fp, $port, $security, &$lines): bool {
        if (!function_exists('openssl_x509_parse')) {
            $lines[] = ['✗', 'This host\'s PHP has no encryption support (the openssl extension), '
                . 'so the check cannot go on. Ask your host to enable it.'];
            return false;
        }
        if (!@stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT)) {
            $lines[] = ['✗', 'Encryption could not be set up. ' . portolan_cert_problem($port, $security)];
            return false;
        }
        $c = portolan_cert($fp);
        $lines[] = ['✓', 'Encrypted; the certificate is valid for ' . PORTOLAN_HOST
            . ($c ? ', issued by "' . $c['issuer'] . '", valid until '
                . gmdate('j F Y', $c['until']) : '') . '.'];
        return true;
    };
    $done = function (bool $ok) use ($fp, &$lines): array {
        @portolan_send($fp, 'QUIT');
        fclose($fp);
        return [$ok, $lines];
    };
    if ($security === 'tls' && !$crypto()) {
        return $done(false);
    }
    $r = portolan_reply($fp);
    if ($r === null) {
        $lines[] = ['✗', 'The server accepted the connection but did not say hello in time.'];
        return $done(false);
    }
    if ($r[0] !== 220) {
        $lines[] = ['✗', 'The server answered, but refuses to talk to this host: "' . $r[1] . '".'];
        return $done(false);
    }
    $lines[] = ['✓', 'The server said hello: "' . $r[1] . '".'];
    portolan_send($fp, 'EHLO ' . PORTOLAN_EHLO);
    $r = portolan_reply($fp);
    if ($r === null || $r[0] !== 250) {
        $lines[] = ['✗', 'The server did not accept EHLO' . ($r ? ': "' . $r[1] . '".' : '.')];
        return $done(false);
    }
    $lines[] = ['✓', 'The server answered EHLO.'];
    if ($security === 'starttls') {
        if (stripos($r[1], 'STARTTLS') === false) {
            $lines[] = ['✗', 'The server does not offer STARTTLS on this port from this host, '
                . 'so a password would not be encrypted.'];
            return $done(false);
        }
        portolan_send($fp, 'STARTTLS');
        $r = portolan_reply($fp);
        if ($r === null || $r[0] !== 220) {
            $lines[] = ['✗', 'The server refused STARTTLS' . ($r ? ': "' . $r[1] . '".' : '.')];
            return $done(false);
        }
        if (!$crypto()) {
            return $done(false);
        }
        portolan_send($fp, 'EHLO ' . PORTOLAN_EHLO);
        $r = portolan_reply($fp);
        if ($r === null || $r[0] !== 250) {
            $lines[] = ['✗', 'The server did not answer EHLO after encryption.'];
            return $done(false);
        }
        $lines[] = ['✓', 'The server answered EHLO again, after encryption.'];
    }
    if ($security === 'none') {
        $lines[] = ['!', 'This port is not encrypted: a password sent here could be read on the way.'];
    }
    return $done(true);
}

$names = ['tls' => 'Encrypted from the start', 'starttls' => 'Upgrade with STARTTLS',
    'none' => 'No encryption'];
$delete = ['', 'Delete this file from your web host now: it is not needed any more.'];

if (time() > PORTOLAN_EXPIRES) {
    portolan_show('This check page has expired', [
        ['', 'It stopped working at ' . PORTOLAN_EXPIRES_TEXT . ', so it did nothing.'],
        $delete,
        ['', 'To check again, make a new page in Portolan (export "Check from your web host").'],
    ], 410, 2);
}

@set_time_limit(180);
$lines = [];
$host = PORTOLAN_HOST;
if (filter_var($host, FILTER_VALIDATE_IP)) {
    $lines[] = ['✓', "The server is the address $host."];
} else {
    $ips = gethostbynamel($host) ?: [];
    if (function_exists('dns_get_record')) {
        foreach (@dns_get_record($host, DNS_AAAA) ?: [] as $rec) {
            if (isset($rec['ipv6'])) {
                $ips[] = $rec['ipv6'];
            }
        }
    }
    if (!$ips) {
        portolan_show("This web host cannot find $host", [
            ['✗', "Looking up the name $host gave no address on this host. Check the server "
                . 'name; if it is right, this host\'s name lookup (DNS) is not working: ask your host.'],
            $delete,
        ], 200, 1);
    }
    $lines[] = ['✓', "$host is at " . implode(', ', array_slice($ips, 0, 4)) . '.'];
}

$working = [];
foreach (PORTOLAN_PORTS as $i => $p) {
    [$ok, $more] = portolan_port($p[0], $p[1]);
    $lines[] = ['', ($i === 0 ? 'Your settings: port ' : 'Also tried: port ') . $p[0] . ' ('
        . $names[$p[1]] . ')'];
    $lines = array_merge($lines, $more);
    if ($ok) {
        $working[] = $p;
    }
}

$first = PORTOLAN_PORTS[0];
if ($working && $working[0] === $first) {
    $title = "✓ This web host can reach $host on port {$first[0]}";
    $lines[] = ['', 'The settings can be used from this host. Sign-in was not tested: this page '
        . 'holds no password.'];
    $exit = 0;
} elseif ($working) {
    $w = $working[0];
    $title = "✗ Port {$first[0]} does not work from this web host, but port {$w[0]} does";
    $lines[] = ['', "Use port {$w[0]} with \"{$names[$w[1]]}\" in your app or plugin instead."];
    $exit = 1;
} else {
    $title = "✗ This web host cannot reach $host on any mail port";
    $lines[] = ['', 'Many hosting companies block outgoing mail ports. Ask your host whether '
        . 'they allow SMTP to this server, or use the sending service or mail API they recommend.'];
    $exit = 1;
}
$lines[] = ['', 'This page stops working at ' . PORTOLAN_EXPIRES_TEXT . '.'];
$lines[] = $delete;
portolan_show($title, $lines, 200, $exit);
