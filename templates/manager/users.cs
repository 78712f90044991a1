<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:L.users.title ?></h1>
  <div class="actions">
    <?cs if:Perm.users_edit ?><a class="button primary" href="/<?cs var:Tenant.code ?>/manager/users/new" id="new-user"><?cs var:L.users.new ?></a>
    <a class="button" href="/<?cs var:Tenant.code ?>/manager/users/import"><?cs var:L.users.import ?></a><?cs /if ?>
    <a class="button" href="/<?cs var:Tenant.code ?>/manager/users/export.csv?kind=users"><?cs var:L.users.export ?></a>
  </div></div>
  <table class="list" id="users">
    <thead><tr><th><?cs var:L.user.login ?></th><th><?cs var:L.user.name ?></th><th><?cs var:L.user.email ?></th>
      <th><?cs var:L.user.validity ?></th><th><?cs var:L.user.state ?></th></tr></thead>
    <tbody>
    <?cs each:u = Users ?>
      <tr><td><a href="/<?cs var:Tenant.code ?>/manager/users/<?cs var:u.id ?>"><?cs var:u.login ?></a></td>
        <td><?cs var:u.name ?></td><td><?cs var:u.email ?></td>
        <td><?cs var:u.valid_from ?><?cs if:u.valid_from || u.valid_until ?> – <?cs /if ?><?cs var:u.valid_until ?></td>
        <td><?cs if:u.enabled == "1" ?><span class="badge ok"><?cs var:L.user.enabled ?></span><?cs else ?><span class="badge off"><?cs var:L.user.disabled ?></span><?cs /if ?>
          <?cs if:u.must_change_password == "1" ?><span class="badge warn"><?cs var:L.user.must_change ?></span><?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
<?cs include:"footer.cs" ?>
