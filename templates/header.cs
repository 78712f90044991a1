<!DOCTYPE html>
<html lang="<?cs var:Lang ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:Page.title ?> — <?cs var:L.app.name ?></title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/css/genba.css">
</head>
<body>
<a class="skip" href="#main"><?cs var:L.layout.skip ?></a>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">現</span> <?cs var:L.app.name ?>
    <span class="tagline"><?cs var:L.app.tagline ?></span></div>
  <?cs if:Tenant.name ?><div class="tenant"><?cs var:Tenant.name ?></div><?cs /if ?>
</header>
<main id="main">
