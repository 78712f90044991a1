<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.devices.title ?></h1>
  <nav class="filters" aria-label="<?cs var:L.devices.filter ?>">
    <a href="?"<?cs if:!Filter.status ?> aria-current="page"<?cs /if ?>><?cs var:L.devices.all ?></a>
    <a href="?status=pending"<?cs if:Filter.status == "pending" ?> aria-current="page"<?cs /if ?>><?cs var:L.device.pending ?></a>
    <a href="?status=approved"<?cs if:Filter.status == "approved" ?> aria-current="page"<?cs /if ?>><?cs var:L.device.approved ?></a>
    <a href="?status=revoked"<?cs if:Filter.status == "revoked" ?> aria-current="page"<?cs /if ?>><?cs var:L.device.revoked ?></a>
  </nav>
  <table class="list" id="devices">
    <thead><tr><th><?cs var:L.device.name ?></th><th><?cs var:L.device.platform ?></th><th><?cs var:L.device.status ?></th><th><?cs var:L.device.registered ?></th><th><?cs var:L.device.last_seen ?></th><th></th></tr></thead>
    <tbody>
    <?cs each:d = Devices ?>
      <tr data-device="<?cs var:d.id ?>"><td><?cs var:d.name ?><br><code class="small"><?cs var:d.id ?></code></td><td><?cs var:d.platform ?></td>
        <td><span class="badge <?cs var:d.status ?>"><?cs var:L.device[d.status] ?></span></td>
        <td class="nowrap"><?cs var:when(d.created_at) ?></td><td class="nowrap"><?cs var:when(d.last_seen_at) ?></td>
        <td class="actions"><?cs if:Perm.users_edit ?>
          <?cs if:d.status != "approved" ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/devices/<?cs var:d.id ?>/approve" class="inline"><?cs call:csrf() ?><button type="submit" class="primary approve"><?cs var:L.device.approve ?></button></form><?cs /if ?>
          <?cs if:d.status != "revoked" ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/devices/<?cs var:d.id ?>/revoke" class="inline"><?cs call:csrf() ?><button type="submit" class="danger revoke"><?cs var:L.device.revoke ?></button></form><?cs /if ?>
        <?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Devices) ?><p class="help"><?cs var:L.devices.none ?></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
