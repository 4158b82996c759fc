; Kyso's Windows installer (NSIS 3, Unicode). Per user: no administrator
; rights, everything under the user's own profile and HKCU.
;
;   makensis -DVERSION=0.1.0 -DDIST=..\..\dist\kyso -DOUTFILE=..\..\dist\kyso-0.1.0-setup.exe kyso.nsi
;
; DIST is PyInstaller's output of installers\windows\kyso.spec (kyso.exe,
; kyso-gui.exe and _internal\). See README.md.
;
; What it does:
;   - copies the program to %LOCALAPPDATA%\Programs\Kyso
;   - a Start-menu shortcut "Kyso — Ký số văn bản" (kyso-gui.exe)
;   - "Open with Kyso" for PDFs: a ProgID Kyso.PDF under HKCU\Software\Classes,
;     listed in .pdf\OpenWithProgids (Windows keeps the person's default PDF app
;     unless they choose Kyso; Default Apps lists it through RegisteredApplications)
;   - the web-page signing service started with the session: `kyso bridge
;     autostart on` writes the HKCU Run entry "Kyso" (kyso-gui.exe --tray: the
;     desktop app in the tray, which runs the service), and `kyso bridge
;     install-cert` installs its local certificate for this user (not with /NOCERT)
;   - an uninstaller (Apps & features, per user) that removes exactly these and
;     leaves the person's settings, store and signed files alone (Kyso keeps
;     them, through platformdirs, in %LOCALAPPDATA%\kyso; %APPDATA%\kyso and
;     the documents are never touched either)
; Tokens: nothing to install; vendors' PKCS#11 DLLs live in System32, where Kyso
; looks for them (kyso.core.tokens).

Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\..\dist\kyso"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\kyso-${VERSION}-setup.exe"
!endif
!define APPNAME "Kyso"
!define PROGID "Kyso.PDF"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Kyso"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "Kyso — Ký số văn bản"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Kyso"
InstallDirRegKey HKCU "Software\Kyso" "InstallDir"
SetCompressor /SOLID lzma
ManifestDPIAware true
Icon "..\..\resources\icons\kyso.ico"
UninstallIcon "..\..\resources\icons\kyso.ico"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!define MUI_ICON "..\..\resources\icons\kyso.ico"
!define MUI_UNICON "..\..\resources\icons\kyso.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\kyso-gui.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "Kyso"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "Kyso installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "Kyso"

Section "Kyso" SecMain
  SectionIn RO
  SetShellVarContext current
  ; an update: stop the running app (and the signing service in it) so its files can be replaced
  nsExec::Exec 'taskkill /F /IM kyso-gui.exe'
  Pop $0
  SetOutPath "$INSTDIR"
  ; the program only: an update replaces it, the person's data is elsewhere
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\Kyso" "InstallDir" "$INSTDIR"

  ; Start menu
  CreateShortcut "$SMPROGRAMS\Kyso — Ký số văn bản.lnk" "$INSTDIR\kyso-gui.exe" "" "$INSTDIR\kyso-gui.exe" 0

  ; Open with Kyso (PDF)
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "Văn bản PDF (Kyso)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\kyso-gui.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open" "FriendlyAppName" "Kyso"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\kyso-gui.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\.pdf\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\kyso-gui.exe" "FriendlyAppName" "Kyso"
  WriteRegStr HKCU "Software\Classes\Applications\kyso-gui.exe\SupportedTypes" ".pdf" ""
  WriteRegStr HKCU "Software\Classes\Applications\kyso-gui.exe\shell\open\command" "" '"$INSTDIR\kyso-gui.exe" "%1"'
  WriteRegStr HKCU "Software\Kyso\Capabilities" "ApplicationName" "Kyso"
  WriteRegStr HKCU "Software\Kyso\Capabilities" "ApplicationDescription" "Ký số văn bản PDF bằng token USB"
  WriteRegStr HKCU "Software\Kyso\Capabilities\FileAssociations" ".pdf" "${PROGID}"
  WriteRegStr HKCU "Software\RegisteredApplications" "Kyso" "Software\Kyso\Capabilities"
  ; tell Explorer that associations changed (SHCNE_ASSOCCHANGED)
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; The web-page signing service with the session: the desktop app in the
  ; tray (`kyso bridge autostart on` writes HKCU\...\Run "Kyso" =
  ; "<dir>\kyso-gui.exe" --tray and saves the setting), and its local HTTPS
  ; certificate for this user (Windows may ask to confirm it).
  ; /NOCERT on the command line skips it (IT deploying the certificate itself,
  ; or an unattended runner where Windows' confirmation would wait for a click)
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NOCERT" $R1
  IfErrors 0 skip_cert
    nsExec::ExecToLog '"$INSTDIR\kyso.exe" bridge install-cert'
    Pop $0
    StrCmp $0 "0" +2
      DetailPrint "kyso bridge install-cert: exit $0 (the signing service's certificate was not installed)"
  skip_cert:
  nsExec::ExecToLog '"$INSTDIR\kyso.exe" bridge autostart on'
  Pop $0
  StrCmp $0 "0" +2
    DetailPrint "kyso bridge autostart on: exit $0"

  ; Apps & features (per user)
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "Kyso — Ký số văn bản"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "Kyso"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\kyso-gui.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  nsExec::Exec 'taskkill /F /IM kyso-gui.exe'
  Pop $0
  ; the service's certificate leaves the user's trust store with the program
  ; (its key and the person's settings stay in %LOCALAPPDATA%\kyso)
  nsExec::ExecToLog '"$INSTDIR\kyso.exe" bridge install-cert --remove'
  Pop $0
  ; the session's start-up entry written by `kyso bridge autostart on`
  DeleteRegValue HKCU "${RUNKEY}" "Kyso"
  Delete "$SMPROGRAMS\Kyso — Ký số văn bản.lnk"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegValue HKCU "Software\Classes\.pdf\OpenWithProgids" "${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\kyso-gui.exe"
  DeleteRegValue HKCU "Software\RegisteredApplications" "Kyso"
  DeleteRegKey HKCU "Software\Kyso"
  DeleteRegKey HKCU "${UNINSTKEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  ; The program's own folder only. Never touched: %LOCALAPPDATA%\kyso (settings,
  ; store, logs: platformdirs), %APPDATA%\kyso, and the person's signed documents.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kyso.exe"
  Delete "$INSTDIR\kyso-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
