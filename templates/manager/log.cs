<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:L.log.title ?></h1>
    <div class="actions"><a class="button" id="log-csv" href="/<?cs var:Tenant.code ?>/manager/log.csv<?cs if:Filter.query ?>?<?cs var:Filter.query ?><?cs /if ?>"><?cs var:L.log.csv ?></a></div></div>
  <?cs call:errlist() ?>
  <form method="get" action="/<?cs var:Tenant.code ?>/manager/log" class="filterbar" id="log-filter">
    <label><?cs var:L.log.from ?> <input type="date" name="from" value="<?cs var:Filter.from ?>"></label>
    <label><?cs var:L.log.to ?> <input type="date" name="to" value="<?cs var:Filter.to ?>"></label>
    <label><?cs var:L.log.user ?> <input name="user" value="<?cs var:Filter.user ?>" size="12"></label>
    <label><?cs var:L.log.action ?> <input name="action" value="<?cs var:Filter.action ?>" size="14" list="actions"></label>
    <datalist id="actions"><option value="login"><option value="logout"><option value="user.create"><option value="user.update"><option value="device.approve"><option value="permission.denied"></datalist>
    <label><?cs var:L.log.result ?> <select name="result"><option value=""><?cs var:L.log.any ?></option>
      <option value="ok"<?cs if:Filter.result == "ok" ?> selected<?cs /if ?>><?cs var:L.result.ok ?></option>
      <option value="failed"<?cs if:Filter.result == "failed" ?> selected<?cs /if ?>><?cs var:L.result.failed ?></option>
      <option value="denied"<?cs if:Filter.result == "denied" ?> selected<?cs /if ?>><?cs var:L.result.denied ?></option></select></label>
    <button type="submit" id="apply-filter"><?cs var:L.log.apply ?></button>
  </form>
  <table class="list small" id="log">
    <thead><tr><th><?cs var:L.log.at ?></th><th><?cs var:L.log.user ?></th><th><?cs var:L.log.channel ?></th><th><?cs var:L.log.action ?></th><th><?cs var:L.log.object ?></th><th><?cs var:L.log.result ?></th><th><?cs var:L.log.addr ?></th><th><?cs var:L.log.detail ?></th></tr></thead>
    <tbody>
    <?cs each:e = Log.entries ?>
      <tr><td><time datetime="<?cs var:e.at ?>"><?cs var:when(e.at) ?></time></td><td><?cs var:e.login ?></td><td class="nowrap"><?cs var:L.channel[e.channel] ?></td><td><code><?cs var:e.action ?></code></td>
        <td><?cs var:e.object_type ?> <?cs var:e.object_id ?></td><td><span class="badge <?cs var:e.result ?>"><?cs var:L.result[e.result] ?></span></td>
        <td><?cs var:e.client_addr ?></td><td><?cs var:e.detail ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Log.entries) ?><p class="help"><?cs var:L.log.none ?></p><?cs /if ?>
  <?cs if:Log.first != "1" || Log.next_before ?><p class="pager"><?cs if:Log.first != "1" ?><a href="/<?cs var:Tenant.code ?>/manager/log<?cs if:Filter.query ?>?<?cs var:Filter.query ?><?cs /if ?>"><?cs var:L.log.newest ?></a><?cs /if ?>
  <?cs if:Log.next_before ?><a id="older" href="/<?cs var:Tenant.code ?>/manager/log?<?cs if:Filter.query ?><?cs var:Filter.query ?>&amp;<?cs /if ?>before=<?cs var:Log.next_before ?>"><?cs var:L.log.older ?></a><?cs /if ?></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
