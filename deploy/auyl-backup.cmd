@echo off
rem A daily backup of a village-centre server (Windows). Task Scheduler runs this every evening.
cd /d "%~dp0.."
if not exist backups mkdir backups
for /f %%d in ('powershell -NoProfile -Command "Get-Date -Format yyyy-MM-dd"') do set TODAY=%%d
.venv\Scripts\flask.exe --app app backup -o backups\auyl-%TODAY%.sqlite >> instance\backup.log 2>&1
