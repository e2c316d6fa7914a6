@echo off
rem Install the server from this folder on a village-centre PC with no internet (Windows).
rem Needs Python 3.11 (64-bit) installed. Run: install.bat [TARGET_DIR]
setlocal
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%USERPROFILE%\auyl"
if /I not "%TARGET%\"=="%HERE%" xcopy /E /I /Q /Y "%HERE%." "%TARGET%" >nul
cd /d "%TARGET%" || exit /b 1
py -3.11 -m venv .venv || exit /b 1
.venv\Scripts\pip install -q --no-index --find-links wheelhouse -e . || exit /b 1
.venv\Scripts\flask --app app db upgrade || exit /b 1
echo Installed in %TARGET%
echo Start it with: cd /d %TARGET% ^&^& .venv\Scripts\flask --app app serve --host 0.0.0.0
endlocal
