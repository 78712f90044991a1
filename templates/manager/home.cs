<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.home.welcome ?></h1>
  <dl class="facts"><dt><?cs var:L.home.tenant ?></dt><dd id="tenant-name"><?cs var:Tenant.name ?></dd>
  <dt><?cs var:L.home.user ?></dt><dd><?cs var:User.name ?> (<?cs var:User.login ?>)</dd></dl>
  <ul class="tiles">
  <?cs if:Perm.reports_view ?>
    <li><a href="/<?cs var:Tenant.code ?>/manager/reports"><strong><?cs var:L.nav.reports ?></strong><span><?cs var:L.home.reports_text ?></span></a></li>
  <?cs /if ?>
  <?cs if:Perm.users_view ?>
    <li><a href="/<?cs var:Tenant.code ?>/manager/users"><strong><?cs var:L.nav.users ?></strong><span><?cs var:L.home.users_text ?></span></a></li>
    <li><a href="/<?cs var:Tenant.code ?>/manager/devices?status=pending"><strong><?cs var:L.nav.devices ?></strong><span><?cs var:L.home.devices_text ?></span></a></li>
  <?cs /if ?>
  <?cs if:Perm.logs_view ?><li><a href="/<?cs var:Tenant.code ?>/manager/log"><strong><?cs var:L.nav.log ?></strong><span><?cs var:L.home.log_text ?></span></a></li><?cs /if ?>
  <li><a href="/<?cs var:Tenant.code ?>/manager/account"><strong><?cs var:L.nav.account ?></strong><span><?cs var:L.home.account_text ?></span></a></li>
  </ul>
</section>
<?cs include:"footer.cs" ?>
