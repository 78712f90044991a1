<?cs set:Page.title = L.home.title ?><?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.home.welcome ?></h1>
  <dl class="facts"><dt><?cs var:L.home.tenant ?></dt><dd id="tenant-name"><?cs var:Tenant.name ?></dd></dl>
  <p><?cs var:L.home.soon ?></p>
</section>
<?cs include:"footer.cs" ?>
