// Message catalogues. Japanese is the primary language; English is the alternative.
// t('key', {name}) replaces {name} placeholders. Missing keys fall back to Japanese, then the key.

const STORAGE_KEY = 'musubi.lang';
export const LANGUAGES = [
  { value: 'ja', label: '日本語' },
  { value: 'en', label: 'English' },
];

const ja = {
  'app.name': 'Musubi',
  'app.loading': '読み込み中…',
  'app.skip': '本文へ移動',
  'common.save': '保存',
  'common.cancel': 'キャンセル',
  'common.close': '閉じる',
  'common.delete': '削除',
  'common.create': '作成',
  'common.search': '検索',
  'common.copy': 'コピー',
  'common.copied': 'コピーしました',
  'common.saved': '保存しました',
  'common.never': '—',
  'common.yes': 'はい',
  'common.no': 'いいえ',
  'common.prev': '前へ',
  'common.next': '次へ',
  'common.all': 'すべて',
  'common.optional': '任意',
  'common.required': '必須',
  'common.confirm': '確認',
  'common.back': '戻る',
  'common.pageOf': '{from}–{to} 件 / 全 {total} 件',
  'common.language': '言語',
  'error.generic': 'エラーが発生しました。時間をおいてもう一度お試しください。',
  'error.network': 'サーバーに接続できません。ネットワークを確認してください。',
  'error.forbidden': 'この操作を行う権限がありません。',
  'error.unauthorized': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'error.notFound': 'ページが見つかりません。',

  'signin.title': 'ログイン',
  'signin.subtitle': 'Musubi にログイン',
  'signin.loginId': 'ログインID',
  'signin.loginIdHint': '例: taro@example.co.jp',
  'signin.password': 'パスワード',
  'signin.submit': 'ログイン',
  'signin.passkey': 'パスキーでログイン',
  'signin.or': 'または',
  'signin.badCredentials': 'ログインIDまたはパスワードが正しくありません。',
  'signin.passkeyFailed': 'パスキーでログインできませんでした。',
  'signin.mfaTitle': '2段階認証',
  'signin.mfaLead': '認証アプリに表示されている6桁のコードを入力してください。',
  'signin.mfaCode': '確認コード',
  'signin.recoveryLead': 'リカバリーコードを1つ入力してください。使ったコードは再び使えません。',
  'signin.recoveryCode': 'リカバリーコード',
  'signin.useRecovery': 'リカバリーコードを使う',
  'signin.useTotp': '認証アプリのコードを使う',
  'signin.verify': '確認',
  'signin.badCode': 'コードが正しくありません。',
  'signin.startOver': '最初からやり直す',
  'signin.usePasskey': 'パスキーを使う',

  'setup.title': '初期設定',
  'setup.lead': '会社と最初の管理者アカウントを作成します。この画面は一度だけ使えます。',
  'setup.companyName': '会社名',
  'setup.domain': 'ドメイン',
  'setup.domainHint': '例: example.co.jp（ログインIDの @ 以降になります）',
  'setup.adminLoginId': '管理者のログインID',
  'setup.adminPassword': '管理者のパスワード',
  'setup.operatorPassword': '運用者（operator）のパスワード',
  'setup.operatorHint': 'サーバー運用者用のアカウントです。会社の管理者とは別に保管してください。',
  'setup.passwordHint': '12文字以上。推測されやすいパスワードは使えません。',
  'setup.submit': '設定して始める',
  'setup.noToken': 'セットアップ用のトークンがありません。サーバーのログに表示されたリンクを開いてください。',
  'setup.done': '初期設定が完了しました。管理者でログインしてください。',

  'nav.main': 'メインメニュー',
  'nav.talk': 'トーク',
  'nav.mail': 'メール',
  'nav.drive': 'ドライブ',
  'nav.calendar': 'カレンダー',
  'nav.contacts': 'アドレス帳',
  'nav.admin': '管理',
  'menu.account': 'アカウントメニュー',
  'menu.myAccount': 'マイアカウント',
  'menu.signOut': 'ログアウト',
  'banner.mfaRequired': '会社のポリシーにより2段階認証の設定が必要です。設定が終わるまで他の機能は使えません。',
  'banner.mfaGo': '2段階認証を設定する',
  'banner.passwordExpired': 'パスワードの有効期限が切れています。新しいパスワードに変更するまで他の機能は使えません。',
  'banner.passwordGo': 'パスワードを変更する',


  'talk.rooms': 'トーク一覧',
  'talk.room': 'トークルーム',
  'talk.new': '新しいトーク',
  'talk.start': 'トークを開始',
  'talk.pickMembers': 'メンバーを選択',
  'talk.unpick': '{name} を外す',
  'talk.groupName': 'グループ名',
  'talk.search': 'メッセージを検索',
  'talk.searchLabel': 'メッセージ検索',
  'talk.searchUnavailable': 'メッセージ検索は現在利用できません。',
  'talk.noHits': '該当するメッセージはありません。',
  'talk.noRooms': 'トークはまだありません。「新しいトーク」から始めましょう。',
  'talk.noMessages': 'メッセージはまだありません',
  'talk.pick': 'トークを選択してください',
  'talk.you': 'あなた',
  'talk.unknownMember': '（不明なメンバー）',
  'talk.noMembers': '（メンバーなし）',
  'talk.unreadBadge': '未読 {n} 件',
  'talk.unread': '未読 {n}',
  'talk.read': '既読',
  'talk.edited': '編集済み',
  'talk.recalled': 'メッセージの送信を取り消しました',
  'talk.recall': '送信取消',
  'talk.recallConfirm': 'このメッセージの送信を取り消しますか？ 相手の画面からも消えます。',
  'talk.reply': '返信',
  'talk.react': 'リアクション',
  'talk.edit': '編集',
  'talk.replyingTo': '{name} に返信:',
  'talk.cancelReply': '返信をやめる',
  'talk.quoteMissing': '元のメッセージ',
  'talk.typing': '{names} が入力中…',
  'talk.message': 'メッセージ',
  'talk.messages': 'メッセージ一覧',
  'talk.placeholder': 'メッセージを入力',
  'talk.enterHint': 'Enter で送信、Shift+Enter で改行',
  'talk.announcementOnly': 'このルームに投稿できるのはオーナーだけです',
  'talk.send': '送信',
  'talk.retryHint': 'もう一度送信すると、同じメッセージとして再送します。',
  'talk.beginning': 'トークの始まり',
  'talk.memberCount': 'メンバー {n} 人',

  'contacts.title': 'アドレス帳',
  'contacts.search': '名前・ふりがな・メールで検索',
  'contacts.empty': '該当するメンバーはいません。',
  'contacts.name': '名前',
  'contacts.department': '部署',
  'contacts.email': 'メール',
  'contacts.phone': '電話番号',

  'account.title': 'マイアカウント',
  'account.tab.profile': 'プロフィール',
  'account.tab.password': 'パスワード',
  'account.tab.mfa': '2段階認証',
  'account.tab.passkeys': 'パスキー',
  'account.tab.sessions': 'セッション',
  'account.tab.tokens': 'アクセストークン',
  'profile.loginId': 'ログインID',
  'profile.name': '氏名',
  'profile.displayName': '表示名',
  'profile.phone': '電話番号',
  'profile.locale': '表示言語',
  'profile.timeZone': 'タイムゾーン',
  'profile.email': 'メールアドレス',
  'password.current': '現在のパスワード',
  'password.new': '新しいパスワード',
  'password.confirm': '新しいパスワード（確認）',
  'password.mismatch': '確認用のパスワードが一致しません。',
  'password.submit': 'パスワードを変更',
  'password.changed': 'パスワードを変更しました。',
  'mfa.status': '状態',
  'mfa.on': '有効',
  'mfa.off': '無効',
  'mfa.requiredByPolicy': '会社のポリシーで必須です',
  'mfa.lead': 'ログイン時にパスワードに加えて認証アプリ（Google Authenticator、Microsoft Authenticator など）のコードを求めます。',
  'mfa.start': '2段階認証を設定する',
  'mfa.scan': '認証アプリでこのQRコードを読み取ってください。',
  'mfa.qrAlt': '2段階認証の設定用QRコード',
  'mfa.secret': '読み取れない場合は、このキーを手入力してください',
  'mfa.code': '認証アプリに表示された6桁のコード',
  'mfa.activate': '有効にする',
  'mfa.activated': '2段階認証を有効にしました。',
  'mfa.codesTitle': 'リカバリーコード',
  'mfa.codesLead': '認証アプリを使えなくなったときにログインするためのコードです。この画面を閉じると二度と表示されません。安全な場所に保管してください。',
  'mfa.codesDone': '保管しました',
  'mfa.codesLeft': '残りのリカバリーコード: {n} 個',
  'mfa.regenerate': 'リカバリーコードを再発行',
  'mfa.regenerateLead': '再発行すると、これまでのリカバリーコードは使えなくなります。',
  'mfa.disable': '2段階認証を無効にする',
  'mfa.disableLead': '無効にするには現在のパスワードを入力してください。',
  'mfa.disabled': '2段階認証を無効にしました。',
  'mfa.password': 'パスワード',
  'passkeys.lead': 'パスキーを使うと、パスワードの代わりに指紋・顔認証・セキュリティキーでログインできます。',
  'passkeys.unsupported': 'このブラウザはパスキーに対応していません。',
  'passkeys.label': 'パスキーの名前',
  'passkeys.labelHint': '例: 会社のノートPC',
  'passkeys.add': 'パスキーを追加',
  'passkeys.added': 'パスキーを追加しました。',
  'passkeys.empty': '登録されたパスキーはありません。',
  'passkeys.created': '登録日時',
  'passkeys.lastUsed': '最終使用',
  'passkeys.deleteConfirm': 'パスキー「{label}」を削除しますか？',
  'passkeys.failed': 'パスキーを登録できませんでした。',
  'passkeys.deleted': 'パスキーを削除しました。',
  'sessions.lead': 'このアカウントでログインしている端末です。心当たりのないものは終了してください。',
  'sessions.device': '端末',
  'sessions.ip': 'IPアドレス',
  'sessions.started': 'ログイン日時',
  'sessions.lastSeen': '最終アクセス',
  'sessions.current': 'この端末',
  'sessions.end': '終了',
  'sessions.ended': 'セッションを終了しました。',
  'sessions.empty': 'セッションはありません。',
  'tokens.lead': 'APIやアプリからMusubiを使うためのトークンです。トークンはパスワードと同じように扱ってください。',
  'tokens.name': '名前',
  'tokens.scopes': '権限',
  'tokens.scope.read': '読み取り',
  'tokens.scope.write': '書き込み',
  'tokens.expiresIn': '有効期限',
  'tokens.days': '{n} 日',
  'tokens.created': '作成日時',
  'tokens.expires': '有効期限',
  'tokens.lastUsed': '最終使用',
  'tokens.create': 'トークンを作成',
  'tokens.revoke': '取り消す',
  'tokens.revokeConfirm': 'トークン「{name}」を取り消しますか？このトークンを使うアプリは動かなくなります。',
  'tokens.revoked': 'トークンを取り消しました。',
  'tokens.shownOnce': 'このトークンは今だけ表示されます。コピーして安全な場所に保管してください。',
  'tokens.empty': 'アクセストークンはありません。',
  'tokens.noScope': '権限を1つ以上選んでください。',

  'admin.title': '管理',
  'admin.members': 'メンバー',
  'admin.audit': '監査ログ',
  'members.search': '名前・ログインIDで検索',
  'members.status': '状態',
  'members.status.active': '利用中',
  'members.status.suspended': '停止中',
  'members.status.deleted': '削除済み',
  'members.name': '名前',
  'members.loginId': 'ログインID',
  'members.roles': '権限',
  'members.lastLogin': '最終ログイン',
  'members.mfa': '2段階認証',
  'members.actions': '操作',
  'members.add': 'メンバーを追加',
  'members.suspend': '停止',
  'members.resume': '再開',
  'members.delete': '削除',
  'members.suspended': '{name} さんを停止しました。',
  'members.resumed': '{name} さんを再開しました。',
  'members.deleted': '{name} さんを削除しました。',
  'members.created': '{name} さんを追加しました。',
  'members.deleteTitle': 'メンバーを削除',
  'members.deleteConfirm': '{name} さん（{loginId}）を削除しますか？猶予期間中は「削除済み」から復元できます。',
  'members.handTo': '引き継ぎ先（ドライブ・カレンダー・トークルームのオーナー権限）',
  'members.handToNone': '引き継がない',
  'members.suspendTitle': 'メンバーを停止',
  'members.suspendConfirm': '{name} さんを停止しますか？ログイン中のセッションはすべて終了します。',
  'members.empty': '該当するメンバーはいません。',
  'members.familyName': '姓',
  'members.givenName': '名',
  'members.familyNameReading': '姓（ふりがな）',
  'members.givenNameReading': '名（ふりがな）',
  'members.email': '連絡用メールアドレス',
  'members.phone': '電話番号',
  'members.password': '初期パスワード',
  'members.displayName': '表示名',
  'members.department': '所属部署',
  'members.noDepartment': '（なし）',
  'members.position': '役職',
  'members.displayNameHint': '空欄の場合は「姓 名」になります',
  'role.member': 'メンバー',
  'role.super_admin': '最高管理者',
  'role.member_admin': 'メンバー管理者',
  'role.security_admin': 'セキュリティ管理者',
  'role.auditor': '監査担当者',
  'audit.action': '操作',
  'audit.actionFilter': '操作で絞り込み',
  'audit.outcome': '結果',
  'audit.outcome.success': '成功',
  'audit.outcome.failure': '失敗',
  'audit.time': '日時',
  'audit.actor': '実行者',
  'audit.target': '対象',
  'audit.ip': 'IPアドレス',
  'audit.detail': '詳細',
  'audit.verify': '改ざんチェック',
  'audit.valid': '{n} 件を確認しました。改ざんはありません。',
  'audit.broken': '連番 {seq} で不整合が見つかりました: {reason}',
  'audit.export': 'CSVで書き出す',
  'audit.empty': '該当する記録はありません。',

  // Field error codes from the server (its messages are English).
  'fieldError.required': '入力してください。',
  'fieldError.too_long': '長すぎます。',
  'fieldError.too_long.n': '{n}文字以内にしてください。',
  'fieldError.too_short': '短すぎます。',
  'fieldError.too_short.n': '{n}文字以上にしてください。',
  'fieldError.too_many': '数が多すぎます。',
  'fieldError.invalid': '形式が正しくありません。',
  'fieldError.reserved': 'このログインIDは予約されているため使えません。',
  'fieldError.taken': 'このログインIDはすでに使われています。',
  'fieldError.dots': 'ログインIDの「.」の位置が正しくありません。',
  'fieldError.empty': '入力してください。',
  'fieldError.domain': 'ドメインが会社のドメインと一致しません。',
  'fieldError.common': 'よく使われているパスワードのため使えません。',
  'fieldError.repeated': '同じ文字の繰り返しは使えません。',
  'fieldError.contains_login_id': 'パスワードにログインIDを含めることはできません。',
  'fieldError.contains_name': 'パスワードに名前を含めることはできません。',
  'fieldError.length': '文字数が条件を満たしていません（12文字以上）。',
  'fieldError.wrong': '正しくありません。',
  'fieldError.unknown_role': '存在しない権限です。',
  'fieldError.unknown_department': '存在しない部署です。',
};

const en = {
  'app.name': 'Musubi',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.delete': 'Delete',
  'common.create': 'Create',
  'common.search': 'Search',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.saved': 'Saved',
  'common.never': '—',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.prev': 'Previous',
  'common.next': 'Next',
  'common.all': 'All',
  'common.optional': 'optional',
  'common.required': 'required',
  'common.confirm': 'Confirm',
  'common.back': 'Back',
  'common.pageOf': '{from}–{to} of {total}',
  'common.language': 'Language',
  'error.generic': 'Something went wrong. Please try again later.',
  'error.network': 'Cannot reach the server. Check your network connection.',
  'error.forbidden': 'You do not have permission to do this.',
  'error.unauthorized': 'Your session has ended. Please sign in again.',
  'error.notFound': 'Page not found.',

  'signin.title': 'Sign in',
  'signin.subtitle': 'Sign in to Musubi',
  'signin.loginId': 'Login ID',
  'signin.loginIdHint': 'e.g. taro@example.com',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.passkey': 'Sign in with a passkey',
  'signin.or': 'or',
  'signin.badCredentials': 'The login ID or password is incorrect.',
  'signin.passkeyFailed': 'Could not sign in with a passkey.',
  'signin.mfaTitle': 'Two-step verification',
  'signin.mfaLead': 'Enter the 6-digit code shown in your authenticator app.',
  'signin.mfaCode': 'Verification code',
  'signin.recoveryLead': 'Enter one of your recovery codes. Each code works only once.',
  'signin.recoveryCode': 'Recovery code',
  'signin.useRecovery': 'Use a recovery code',
  'signin.useTotp': 'Use the authenticator app',
  'signin.verify': 'Verify',
  'signin.badCode': 'The code is incorrect.',
  'signin.startOver': 'Start over',
  'signin.usePasskey': 'Use a passkey',

  'setup.title': 'First-time setup',
  'setup.lead': 'Create your company and its first administrator. This page works only once.',
  'setup.companyName': 'Company name',
  'setup.domain': 'Domain',
  'setup.domainHint': 'e.g. example.com (becomes the part after @ in login IDs)',
  'setup.adminLoginId': 'Administrator login ID',
  'setup.adminPassword': 'Administrator password',
  'setup.operatorPassword': 'Operator password',
  'setup.operatorHint': 'For the server operator account. Keep it separate from the company administrator.',
  'setup.passwordHint': 'At least 12 characters. Common passwords are refused.',
  'setup.submit': 'Set up and start',
  'setup.noToken': 'The setup token is missing. Open the link printed in the server log.',
  'setup.done': 'Setup is complete. Sign in as the administrator.',

  'nav.main': 'Main menu',
  'nav.talk': 'Talk',
  'nav.mail': 'Mail',
  'nav.drive': 'Drive',
  'nav.calendar': 'Calendar',
  'nav.contacts': 'Contacts',
  'nav.admin': 'Admin',
  'menu.account': 'Account menu',
  'menu.myAccount': 'My account',
  'menu.signOut': 'Sign out',
  'banner.mfaRequired': 'Your company requires two-step verification. Set it up to continue using Musubi.',
  'banner.mfaGo': 'Set up two-step verification',
  'banner.passwordExpired': 'Your password has expired. Change it to continue using Musubi.',
  'banner.passwordGo': 'Change your password',


  'talk.rooms': 'Talks',
  'talk.room': 'Talk room',
  'talk.new': 'New talk',
  'talk.start': 'Start talk',
  'talk.pickMembers': 'Choose members',
  'talk.unpick': 'Remove {name}',
  'talk.groupName': 'Group name',
  'talk.search': 'Search messages',
  'talk.searchLabel': 'Message search',
  'talk.searchUnavailable': 'Message search is not available right now.',
  'talk.noHits': 'No messages match.',
  'talk.noRooms': 'No talks yet. Start one with “New talk”.',
  'talk.noMessages': 'No messages yet',
  'talk.pick': 'Choose a talk',
  'talk.you': 'You',
  'talk.unknownMember': '(unknown member)',
  'talk.noMembers': '(no members)',
  'talk.unreadBadge': '{n} unread',
  'talk.unread': '{n} unread',
  'talk.read': 'Read',
  'talk.edited': 'edited',
  'talk.recalled': 'This message was unsent',
  'talk.recall': 'Unsend',
  'talk.recallConfirm': 'Unsend this message? It disappears for everyone.',
  'talk.reply': 'Reply',
  'talk.react': 'React',
  'talk.edit': 'Edit',
  'talk.replyingTo': 'Replying to {name}:',
  'talk.cancelReply': 'Cancel reply',
  'talk.quoteMissing': 'Original message',
  'talk.typing': '{names} is typing…',
  'talk.message': 'Message',
  'talk.messages': 'Messages',
  'talk.placeholder': 'Type a message',
  'talk.enterHint': 'Enter sends, Shift+Enter starts a new line',
  'talk.announcementOnly': 'Only owners can post in this room',
  'talk.send': 'Send',
  'talk.retryHint': 'Sending again retries the same message.',
  'talk.beginning': 'Beginning of the talk',
  'talk.memberCount': '{n} members',

  'contacts.title': 'Contacts',
  'contacts.search': 'Search by name, reading or email',
  'contacts.empty': 'No members match.',
  'contacts.name': 'Name',
  'contacts.department': 'Department',
  'contacts.email': 'Email',
  'contacts.phone': 'Phone',

  'account.title': 'My account',
  'account.tab.profile': 'Profile',
  'account.tab.password': 'Password',
  'account.tab.mfa': 'Two-step verification',
  'account.tab.passkeys': 'Passkeys',
  'account.tab.sessions': 'Sessions',
  'account.tab.tokens': 'Access tokens',
  'profile.loginId': 'Login ID',
  'profile.name': 'Name',
  'profile.displayName': 'Display name',
  'profile.phone': 'Phone',
  'profile.locale': 'Language',
  'profile.timeZone': 'Time zone',
  'profile.email': 'Email',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'New password (again)',
  'password.mismatch': 'The passwords do not match.',
  'password.submit': 'Change password',
  'password.changed': 'Your password has been changed.',
  'mfa.status': 'Status',
  'mfa.on': 'On',
  'mfa.off': 'Off',
  'mfa.requiredByPolicy': 'Required by company policy',
  'mfa.lead': 'Asks for a code from an authenticator app (Google Authenticator, Microsoft Authenticator, …) in addition to your password.',
  'mfa.start': 'Set up two-step verification',
  'mfa.scan': 'Scan this QR code with your authenticator app.',
  'mfa.qrAlt': 'QR code for setting up two-step verification',
  'mfa.secret': 'If you cannot scan it, enter this key by hand',
  'mfa.code': '6-digit code from the app',
  'mfa.activate': 'Turn on',
  'mfa.activated': 'Two-step verification is on.',
  'mfa.codesTitle': 'Recovery codes',
  'mfa.codesLead': 'Use these to sign in if you lose your authenticator app. They will not be shown again once you close this. Keep them somewhere safe.',
  'mfa.codesDone': 'I have saved them',
  'mfa.codesLeft': 'Recovery codes left: {n}',
  'mfa.regenerate': 'New recovery codes',
  'mfa.regenerateLead': 'Your old recovery codes stop working.',
  'mfa.disable': 'Turn off two-step verification',
  'mfa.disableLead': 'Enter your current password to turn it off.',
  'mfa.disabled': 'Two-step verification is off.',
  'mfa.password': 'Password',
  'passkeys.lead': 'With a passkey you sign in with your fingerprint, face or a security key instead of a password.',
  'passkeys.unsupported': 'This browser does not support passkeys.',
  'passkeys.label': 'Passkey name',
  'passkeys.labelHint': 'e.g. Work laptop',
  'passkeys.add': 'Add a passkey',
  'passkeys.added': 'Passkey added.',
  'passkeys.empty': 'No passkeys yet.',
  'passkeys.created': 'Added',
  'passkeys.lastUsed': 'Last used',
  'passkeys.deleteConfirm': 'Delete the passkey “{label}”?',
  'passkeys.failed': 'Could not add the passkey.',
  'passkeys.deleted': 'Passkey deleted.',
  'sessions.lead': 'Devices signed in to this account. End any you do not recognise.',
  'sessions.device': 'Device',
  'sessions.ip': 'IP address',
  'sessions.started': 'Signed in',
  'sessions.lastSeen': 'Last active',
  'sessions.current': 'This device',
  'sessions.end': 'End',
  'sessions.ended': 'Session ended.',
  'sessions.empty': 'No sessions.',
  'tokens.lead': 'Tokens let scripts and apps use Musubi on your behalf. Treat them like passwords.',
  'tokens.name': 'Name',
  'tokens.scopes': 'Scopes',
  'tokens.scope.read': 'Read',
  'tokens.scope.write': 'Write',
  'tokens.expiresIn': 'Expires in',
  'tokens.days': '{n} days',
  'tokens.created': 'Created',
  'tokens.expires': 'Expires',
  'tokens.lastUsed': 'Last used',
  'tokens.create': 'Create token',
  'tokens.revoke': 'Revoke',
  'tokens.revokeConfirm': 'Revoke the token “{name}”? Apps using it will stop working.',
  'tokens.revoked': 'Token revoked.',
  'tokens.shownOnce': 'This token is shown only now. Copy it and keep it somewhere safe.',
  'tokens.empty': 'No access tokens.',
  'tokens.noScope': 'Choose at least one scope.',

  'admin.title': 'Admin',
  'admin.members': 'Members',
  'admin.audit': 'Audit log',
  'members.search': 'Search by name or login ID',
  'members.status': 'Status',
  'members.status.active': 'Active',
  'members.status.suspended': 'Suspended',
  'members.status.deleted': 'Deleted',
  'members.name': 'Name',
  'members.loginId': 'Login ID',
  'members.roles': 'Roles',
  'members.lastLogin': 'Last sign-in',
  'members.mfa': 'Two-step',
  'members.actions': 'Actions',
  'members.add': 'Add member',
  'members.suspend': 'Suspend',
  'members.resume': 'Resume',
  'members.delete': 'Delete',
  'members.suspended': '{name} is suspended.',
  'members.resumed': '{name} is active again.',
  'members.deleted': '{name} was deleted.',
  'members.created': '{name} was added.',
  'members.deleteTitle': 'Delete member',
  'members.deleteConfirm': 'Delete {name} ({loginId})? They can be restored from Deleted during the grace period.',
  'members.handTo': 'Hand over to (drive, calendars, room ownership)',
  'members.handToNone': 'Nobody',
  'members.suspendTitle': 'Suspend member',
  'members.suspendConfirm': 'Suspend {name}? All their sessions end.',
  'members.empty': 'No members match.',
  'members.familyName': 'Family name',
  'members.givenName': 'Given name',
  'members.familyNameReading': 'Family name (reading)',
  'members.givenNameReading': 'Given name (reading)',
  'members.email': 'Contact email',
  'members.phone': 'Phone',
  'members.password': 'Initial password',
  'members.displayName': 'Display name',
  'members.department': 'Department',
  'members.noDepartment': '(none)',
  'members.position': 'Position',
  'members.displayNameHint': 'Defaults to “family given” when empty',
  'role.member': 'Member',
  'role.super_admin': 'Super admin',
  'role.member_admin': 'Member admin',
  'role.security_admin': 'Security admin',
  'role.auditor': 'Auditor',
  'audit.action': 'Action',
  'audit.actionFilter': 'Filter by action',
  'audit.outcome': 'Outcome',
  'audit.outcome.success': 'Succeeded',
  'audit.outcome.failure': 'Failed',
  'audit.time': 'Time',
  'audit.actor': 'Actor',
  'audit.target': 'Target',
  'audit.ip': 'IP address',
  'audit.detail': 'Detail',
  'audit.verify': 'Verify chain',
  'audit.valid': 'Checked {n} records. The chain is intact.',
  'audit.broken': 'The chain breaks at #{seq}: {reason}',
  'audit.export': 'Export CSV',
  'audit.empty': 'No records match.',
};

const catalogues = { ja, en };
const listeners = new Set();

/**
 * Adds a page's own messages, so that each page keeps its strings next to its code:
 * `addMessages({ ja: {'drive.title': 'ドライブ'}, en: {'drive.title': 'Drive'} })`.
 * A key already defined keeps its first text.
 */
export function addMessages(more) {
  for (const [language, entries] of Object.entries(more)) {
    const catalogue = catalogues[language];
    if (!catalogue) continue;
    for (const [key, text] of Object.entries(entries)) {
      if (!(key in catalogue)) catalogue[key] = text;
    }
  }
}

function normalise(tag) {
  if (!tag) return null;
  const base = String(tag).toLowerCase().split(/[-_]/)[0];
  return catalogues[base] ? base : null;
}

function stored() {
  try {
    return normalise(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

let current = stored() || normalise(navigator.language) || 'ja';
document.documentElement.lang = current;

export function lang() {
  return current;
}

/** The language for a signed-in member: an explicit choice on this device wins, then the profile. */
export function adoptMemberLocale(locale) {
  const chosen = stored() || normalise(locale);
  if (chosen && chosen !== current) apply(chosen);
}

/** Switches language and remembers the choice on this device. */
export function setLang(value) {
  const v = normalise(value) || 'ja';
  try {
    localStorage.setItem(STORAGE_KEY, v);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  apply(v);
}

function apply(v) {
  current = v;
  document.documentElement.lang = v;
  listeners.forEach((fn) => fn(v));
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u9fff]/;

/**
 * The Japanese text for a server field-error code, or null to show the server's own message: the
 * server answers its common messages in the language the client sends, and such an answer is kept.
 */
export function fieldErrorText(code, message) {
  if (current !== 'ja' || !code) return null;
  if (typeof message === 'string' && JAPANESE_SCRIPT.test(message)) return null;
  // A limit the server states in its message (e.g. a company's minimum length) is kept.
  const n = typeof message === 'string' ? message.match(/\d+/) : null;
  const counted = n && ja['fieldError.' + code + '.n'];
  if (counted) return counted.replace('{n}', n[0]);
  return ja['fieldError.' + code] ?? null;
}

export function t(key, vars) {
  const text = catalogues[current][key] ?? ja[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function formatDateTime(iso) {
  if (!iso) return t('common.never');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current === 'ja' ? 'ja-JP' : 'en', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
}

/** 12 B, 340 KB, 1.2 MB, 3 GB (binary units). */
export function formatBytes(n) {
  if (n == null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}
