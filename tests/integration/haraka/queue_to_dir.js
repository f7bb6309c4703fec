// Test plugin: each accepted message goes to $HARAKA/received before the 250 is sent,
// so a test reads what arrived as soon as the client has its reply.
const fs = require('node:fs')
const path = require('node:path')

let count = 0

exports.hook_queue = function (next, connection) {
    const txn = connection.transaction
    const base = path.join(process.env.HARAKA, 'received', String(++count).padStart(4, '0'))
    const out = fs.createWriteStream(`${base}.tmp`)
    out.once('close', () => {
        const envelope = {
            mail_from: txn.mail_from.original,
            rcpts: txn.rcpt_to.map((rcpt) => rcpt.original),
            uuid: txn.uuid,
            line_length_exceeded: !!txn.notes.data_line_length_exceeded,
        }
        fs.writeFileSync(`${base}.json`, JSON.stringify(envelope))
        fs.renameSync(`${base}.tmp`, `${base}.eml`)
        next(OK)
    })
    // Default pipe options: dot-stuffing undone, CRLF line endings.
    txn.message_stream.pipe(out)
}

// The client is on loopback: answer the reverse lookup here so Haraka asks no resolver.
exports.hook_lookup_rdns = function (next) {
    next(OK, 'localhost')
}
