// A tiny SMTP receiver for the tests: listens on 127.0.0.1 and a free port,
// speaks enough ESMTP for genbactl (EHLO/HELO, optional STARTTLS and AUTH
// PLAIN, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT) and keeps
// every message it accepted, decoded (RFC 2047 headers, base64 bodies).
import net from 'node:net';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { env } from './lib.mjs';

// Decode RFC 2047 encoded-words (B and Q) in a header value; whitespace
// between two adjacent encoded-words is dropped.
export function decodeHeader(v) {
  return v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, cs, enc, text) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    if (!/^utf-?8$/i.test(cs)) throw new Error(`unexpected charset ${cs}`);
    return bytes.toString('utf8');
  });
}

// Split a raw message (CRLF lines, already un-dot-stuffed) into headers
// (lower-case names; folded lines joined) and the decoded body text.
export function parseMessage(raw) {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep >= 0 ? raw.slice(0, sep) : raw;
  const bodyRaw = sep >= 0 ? raw.slice(sep + 4) : '';
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const cte = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
  const body = cte === 'base64' ? Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8') : bodyRaw;
  return { headers, subject: decodeHeader(headers.subject || ''), body, raw };
}

// Start a receiver.  Options: rejectRcpt(addr) → true answers 550 for that
// recipient; tls {key, cert} offers STARTTLS; auth {user, password}
// offers AUTH PLAIN (after STARTTLS when tls is given) and requires it.
export async function startSmtp({ rejectRcpt = () => false, tls: tlsOpts = null, auth = null } = {}) {
  const messages = [];
  const sessions = [];
  const sockets = new Set();
  const server = net.createServer((plain) => {
    sockets.add(plain);
    plain.on('close', () => sockets.delete(plain));
    const s = { commands: [], tls: false, authed: false, helo: null };
    sessions.push(s);
    let sock = plain, buf = '', inData = false, data = [], from = null, rcpt = [];
    const send = (line) => sock.write(`${line}\r\n`);
    const ehloLines = () => {
      const ext = ['8BITMIME', 'SIZE 10485760'];
      if (tlsOpts && !s.tls) ext.push('STARTTLS');
      if (auth && (s.tls || !tlsOpts)) ext.push('AUTH LOGIN PLAIN');
      return ['test.smtp.local greets you', ...ext];
    };
    const onLine = (line) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          const raw = data.join('\r\n') + '\r\n';
          messages.push({ from, to: [...rcpt], ...parseMessage(raw), tls: s.tls });
          data = []; rcpt = []; from = null;
          send('250 2.0.0 queued');
        } else data.push(line.startsWith('.') ? line.slice(1) : line);
        return;
      }
      s.commands.push(line);
      const verb = line.split(' ')[0].toUpperCase();
      if (verb === 'EHLO') { s.helo = line.slice(5); const l = ehloLines(); l.forEach((x, i) => send(`250${i === l.length - 1 ? ' ' : '-'}${x}`)); }
      else if (verb === 'HELO') { s.helo = line.slice(5); send('250 test.smtp.local'); }
      else if (verb === 'STARTTLS' && tlsOpts && !s.tls) {
        send('220 2.0.0 ready to start TLS');
        sock.removeAllListeners('data');
        const secure = new tls.TLSSocket(plain, { isServer: true, key: tlsOpts.key, cert: tlsOpts.cert });
        secure.on('error', () => {});
        s.tls = true;
        sock = secure;
        buf = '';
        secure.on('data', onData);
      } else if (verb === 'AUTH') {
        const [, mech, arg] = line.split(' ');
        if (!auth || mech.toUpperCase() !== 'PLAIN' || !arg) { send('504 5.5.4 unsupported'); return; }
        const [, user, password] = Buffer.from(arg, 'base64').toString('utf8').split('\0');
        s.authUser = user;
        if (user === auth.user && password === auth.password) { s.authed = true; send('235 2.7.0 ok'); }
        else send('535 5.7.8 bad credentials');
      } else if (verb === 'MAIL') {
        if (auth && !s.authed) { send('530 5.7.0 authentication required'); return; }
        from = (line.match(/<([^>]*)>/) || [])[1]; send('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        const to = (line.match(/<([^>]*)>/) || [])[1];
        if (rejectRcpt(to)) send('550 5.1.1 no such user here');
        else { rcpt.push(to); send('250 2.1.5 ok'); }
      } else if (verb === 'DATA') {
        if (!from || !rcpt.length) { send('503 5.5.1 need MAIL and RCPT'); return; }
        inData = true; send('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'RSET') { from = null; rcpt = []; send('250 2.0.0 ok'); }
      else if (verb === 'NOOP') send('250 2.0.0 ok');
      else if (verb === 'QUIT') { send('221 2.0.0 bye'); sock.end(); }
      else send('502 5.5.2 not implemented');
    };
    const onData = (chunk) => {
      buf += chunk.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = Buffer.from(buf.slice(0, i), 'latin1').toString('utf8');
        buf = buf.slice(i + 2);
        onLine(line);
      }
    };
    plain.on('data', onData);
    plain.on('error', () => {});
    send('220 test.smtp.local ESMTP ready');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    messages,
    sessions,
    close: () => new Promise((resolve) => { server.close(() => resolve()); for (const k of sockets) k.destroy(); }),
    server,
  };
}

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
export async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

// genbactl bound to the stack, without blocking the event loop (the
// receiver above runs in this process): {status, stdout, stderr}.
export function ctlAsync(...args) {
  const parts = env.GENBA_CTL.split(' ');
  return new Promise((resolve, reject) => {
    const p = spawn(parts[0], [...parts.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 120000);
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}
