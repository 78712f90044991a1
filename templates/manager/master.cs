<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:M.master.name ?></h1>
  <dl class="facts"><dt><?cs var:L.masters.version ?></dt><dd><?cs var:M.master.version ?></dd><dt><?cs var:L.masters.records ?></dt><dd><?cs var:M.master.records ?></dd></dl>
  <table class="list small" id="records">
    <thead><tr><?cs each:f = M.master.fields ?><th><?cs var:f.name ?> <span class="help"><?cs var:f.type ?></span></th><?cs /each ?></tr></thead>
    <tbody><?cs each:row = Rows ?><tr><?cs each:cell = row ?><td><?cs var:cell ?></td><?cs /each ?></tr><?cs /each ?></tbody>
  </table>
  <?cs if:M.next_cursor ?><p class="help"><?cs var:L.masters.more ?></p><?cs /if ?>
  <p><a href="/<?cs var:Tenant.code ?>/manager/masters"><?cs var:L.masters.back ?></a></p>
</section>
<?cs include:"footer.cs" ?>
