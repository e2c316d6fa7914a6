@echo off
rem A village-centre server on Windows: start the site (docs/deploy.md). Task Scheduler runs this at start-up.
cd /d "%~dp0.."
.venv\Scripts\flask.exe --app app serve --host 0.0.0.0 --port 5000 >> instance\server.log 2>&1
