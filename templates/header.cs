<?cs include:"macros.cs" ?><!DOCTYPE html>
<html lang="<?cs var:Lang ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:Page.title ?> — <?cs var:L.app.name ?></title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/css/genba.css">
<?cs if:Script ?><script src="/static/js/<?cs var:Script ?>" defer></script><?cs /if ?>
</head>
<body>
<a class="skip" href="#main"><?cs var:L.layout.skip ?></a>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">現</span> <?cs var:L.app.name ?>
    <span class="tagline"><?cs var:L.app.tagline ?></span></div>
  <div class="who">
  <?cs if:Tenant.name ?><span class="tenant"><?cs var:Tenant.name ?></span><?cs /if ?>
  <?cs if:User.login ?>
    <a class="me" href="/<?cs var:Tenant.code ?>/manager/account" id="nav-account"><?cs var:User.name ?></a>
    <form method="post" action="/<?cs var:Tenant.code ?>/manager/logout" class="inline"><?cs call:csrf() ?>
      <button type="submit" class="link" id="logout"><?cs var:L.nav.logout ?></button></form>
  <?cs /if ?>
  </div>
</header>
<?cs if:Maintenance.from ?><div class="maint-banner" role="status" id="maintenance-banner"><?cs if:Maintenance.running ?><?cs var:L.maint.banner_running ?><?cs else ?><?cs var:L.maint.banner ?><?cs /if ?>
  <strong><time datetime="<?cs var:Maintenance.from_utc ?>"><?cs var:Maintenance.from ?></time> – <time datetime="<?cs var:Maintenance.to_utc ?>"><?cs var:Maintenance.to ?></time></strong><?cs if:Maintenance.message ?> <span class="maint-message"><?cs var:Maintenance.message ?></span><?cs /if ?>
  <a href="/maintenance?lang=<?cs var:Lang ?><?cs if:Maintenance.tz_query ?>&amp;tz=<?cs var:Maintenance.tz_query ?><?cs /if ?>"><?cs var:L.maint.details ?></a></div><?cs /if ?>
<?cs if:User.login && !User.must_change ?>
<nav class="main" aria-label="<?cs var:L.nav.label ?>"><ul>
  <li><a href="/<?cs var:Tenant.code ?>/manager"><?cs var:L.nav.home ?></a></li>
  <?cs if:Perm.reports_view ?><li><a href="/<?cs var:Tenant.code ?>/manager/reports" id="nav-reports"><?cs var:L.nav.reports ?></a></li>
  <li><a href="/<?cs var:Tenant.code ?>/manager/exports" id="nav-exports"><?cs var:L.nav.exports ?></a></li><?cs /if ?>
  <?cs if:Perm.definitions_view ?>
  <li><a href="/<?cs var:Tenant.code ?>/manager/definitions" id="nav-definitions"><?cs var:L.nav.definitions ?></a></li>
  <li><a href="/<?cs var:Tenant.code ?>/manager/masters" id="nav-masters"><?cs var:L.nav.masters ?></a></li>
  <?cs /if ?>
  <?cs if:Perm.users_view ?>
  <li><a href="/<?cs var:Tenant.code ?>/manager/users" id="nav-users"><?cs var:L.nav.users ?></a></li>
  <li><a href="/<?cs var:Tenant.code ?>/manager/groups" id="nav-groups"><?cs var:L.nav.groups ?></a></li>
  <li><a href="/<?cs var:Tenant.code ?>/manager/devices" id="nav-devices"><?cs var:L.nav.devices ?></a></li>
  <?cs /if ?>
  <?cs if:Perm.logs_view ?><li><a href="/<?cs var:Tenant.code ?>/manager/log" id="nav-log"><?cs var:L.nav.log ?></a></li><?cs /if ?>
  <?cs if:Perm.settings_view ?><li><a href="/<?cs var:Tenant.code ?>/manager/settings" id="nav-settings"><?cs var:L.nav.settings ?></a></li><?cs /if ?>
</ul></nav>
<?cs /if ?>
<main id="main">
<?cs call:notice() ?>
