## قائمة المقترحات

proposals-title = المقترحات والمقررات
proposals-filter-label = عرض
proposals-filter-all = جميع المقترحات
proposals-filter-open = المفتوحة (قيد التعميم أو التصويت)
proposals-filter-decided = المبتّ فيها (المعتمدة أو المرفوضة أو التي لم تستوفِ النصاب)
proposals-filter-show = تطبيق
proposals-count = المقترحات والتعديلات التي عُثر عليها: { $count }
proposals-list-caption = المقترحات والتعديلات، الأحدث أولاً
proposals-none-found = لا يوجد مقترح يطابق هذا الاختيار.
proposals-beyond-end = لا توجد صفحة { $page }: عدد صفحات القائمة { $pages }.
proposals-back-to-last = الانتقال إلى الصفحة الأخيرة
proposals-pages = صفحات القائمة
proposals-previous = الصفحة السابقة
proposals-next = الصفحة التالية
proposals-page-of = الصفحة { $page } من { $pages }
proposals-sponsor = مقدّم المقترح
proposals-procedure = الإجراء
proposals-deadline = الموعد النهائي
proposals-tally = نتيجة الفرز
proposals-tally-short = مؤيد { $yes }، معارض { $no }، ممتنع { $abstain }
proposals-by-consensus = دون تصويت: توافق في الآراء
proposals-no-count = لا يوجد فرز
proposals-silence-no-vote = لا تصويت ما لم يُكسر الصمت
proposals-amends = تعديل على:
proposals-bad-page = يجب أن يكون رقم الصفحة عدداً صحيحاً يبدأ من 1 (الوارد: `{ $got }`).
proposals-bad-status = حالة غير معروفة `{ $got }`. اختر إحدى الحالات التالية: `{ $allowed }`.
proposals-bad-query = تتعذر قراءة معلمات العنوان: { $why }
proposals-procedure-vote = تصويت مسجل
proposals-procedure-silence = إجراء الموافقة الضمنية

## مقترح واحد

proposals-bad-id = `{ $got }` ليس معرّف مقترح: المعرّف من 1 إلى 64 حرفاً من a–z و0–9 و«-»، ولا يبدأ بـ«-».
proposals-unknown = لا يوجد مقترح أو تعديل بهذا المعرّف.
proposals-status = الحالة:
proposals-adopted-by-vote = بتصويت مسجل
proposals-adopted-by-consensus = بتوافق الآراء وفق إجراء الموافقة الضمنية
proposals-cosponsors = مقدّمو المقترح المشاركون
proposals-none = لا أحد
proposals-question = نوع المسألة
proposals-question-ordinary = مسألة عادية
proposals-question-important = مسألة هامة
proposals-submitted = تاريخ التقديم
proposals-closed-at = بُتّ فيه في القيد
proposals-text = النص
proposals-original-text = النص كما قُدّم أول مرة
proposals-action = الإجراء المقترح
proposals-action-json = الإجراء كما وُقّع (JSON)
proposals-action-unknown = لا تستطيع هذه البوابة وصف هذا الإجراء؛ ويرد نصه بصيغة JSON أدناه.
proposals-action-result = ما آل إليه:
proposals-result-not-applied = لم يُنفَّذ:
proposals-result-admitted = قُبلت { $member } عضوًا.
proposals-result-suspended = عُلّقت عضوية { $member }.
proposals-result-reinstated = أُعيدت عضوية { $member }.
proposals-result-rules = عُدّل النظام الداخلي.
proposals-result-version = اعتُمدت النسخة { $n } من { $document }.
proposals-result-translated = أصبحت المادة { $article } متاحة أيضًا بـ{ $lang }.
proposals-action-admit = قبول دولةٍ عضواً:
proposals-action-key = مفتاحها العام:
proposals-action-suspend = تعليق حق التصويت لـ:
proposals-action-reinstate = إعادة حق التصويت لـ:
proposals-action-rules = تعديل قواعد الإجراءات التالية:
proposals-action-establish = إنشاء وثيقة جديدة من وثائق المدونة بوصفها نسختها الأولى:
proposals-action-articles = عدد مواد النسخة الأولى: { $count }
proposals-action-amend = إعداد نسخة جديدة من الوثيقة
proposals-action-base = بتعديل النسخة { $version } على النحو التالي:
proposals-action-translate = اعتماد ترجمة مادة واحدة من المدونة:
proposals-action-document = الوثيقة:
proposals-action-version = النسخة: { $version }
proposals-action-article = المادة: `{ $article }`
proposals-action-language = اللغة:
proposals-change-insert-after = إدراج المادة `{ $article }` بعد المادة `{ $after }`
proposals-change-insert-first = إدراج المادة `{ $article }` في البداية
proposals-change-replace = الاستعاضة عن المادة `{ $article }`
proposals-change-delete = حذف المادة `{ $article }`
proposals-change-reword = إعادة صياغة المادة `{ $article }` باللغة `{ $lang }`
proposals-change-proposed = المقترح
proposals-rule-ordinary-majority = الأغلبية المطلوبة للمسائل العادية
proposals-rule-important-majority = الأغلبية المطلوبة للمسائل الهامة
proposals-rule-important-actions = الإجراءات التي تجعل المسألة هامة
proposals-rule-quorum = النصاب
proposals-rule-min-silence = أقصر مدة لإجراء الموافقة الضمنية
proposals-rule-min-vote = أقصر مدة للتصويت المسجل
proposals-rule-silence-vote = مدة التصويت بعد كسر الصمت
proposals-rule-vote-change = يجوز للأعضاء تغيير تصويتهم
proposals-seconds = { $n ->
    [one] ثانية واحدة
    [two] ثانيتان
    [few] { $n } ثوانٍ
    [many] { $n } ثانيةً
   *[other] { $n } ثانية
}
proposals-yes = نعم
proposals-no = لا
proposals-majority-simple = الأغلبية البسيطة للأصوات المدلى بها (أصوات التأييد أكثر من أصوات المعارضة)
proposals-majority-two-thirds = ثلثا الأصوات المدلى بها
proposals-quorum-none = لا يُشترط
proposals-quorum-one-third = مشاركة ثلث الأعضاء الذين يحق لهم التصويت على الأقل
proposals-quorum-majority = مشاركة أكثر من نصف الأعضاء الذين يحق لهم التصويت
proposals-quorum-two-thirds = مشاركة ثلثي الأعضاء الذين يحق لهم التصويت على الأقل
proposals-amendments = التعديلات
proposals-amendments-order = يُصوَّت على التعديلات بهذا الترتيب قبل التصويت على المقترح نفسه.

## إجراء الموافقة الضمنية

proposals-silence = إجراء الموافقة الضمنية
proposals-silence-unbroken = لم يُكسر الصمت: ما لم يعترض عضو قبل الموعد النهائي، يُعتمد المقترح بتوافق الآراء.
proposals-silence-until = الموعد النهائي:
proposals-silence-held = لم يُكسر الصمت: اعتُمد المقترح بتوافق الآراء عند حلول الموعد النهائي.
proposals-silence-not-broken = لم يُكسر الصمت.
proposals-silence-broken = كسر { $member } الصمت في القيد رقم { $entry }.
proposals-silence-vote-until = أُحيل المقترح إلى تصويت مسجل يُغلق في:
proposals-objections = الاعتراضات
proposals-dissociations = إعلانات النأي بالنفس
proposals-dissociations-hint = العضو الذي ينأى بنفسه لا يمنع توافق الآراء، لكنه يسجّل أنه لا ينضم إليه.
proposals-no-dissociations = لم ينأَ أي عضو بنفسه.
proposals-member = العضو
proposals-reason = السبب
proposals-entry = قيد السجل

## التصويت المسجل

proposals-recorded-vote = التصويت المسجل
proposals-no-votes = لم يُدلَ بأي صوت بعد.
proposals-votes-caption = تصويت كل عضو
proposals-vote = التصويت
proposals-explanation = تعليل التصويت
proposals-vote-yes = مؤيد
proposals-vote-no = معارض
proposals-vote-abstain = ممتنع
proposals-not-voting = لم يصوّت
proposals-tally-final = نتيجة الفرز النهائية، التي أُجريت عند إغلاق التصويت في القيد
proposals-tally-live = نتيجة الفرز حتى الآن؛ التصويت مفتوح حتى
proposals-tally-not-final = هذه النتيجة ليست نهائية: أُغلق التصويت دون فرز.
proposals-chart-title = نتائج التصويت
proposals-chart-desc = مؤيد: { $yes }. معارض: { $no }. ممتنع: { $abstain }. لم يصوّت: { $none }.
proposals-majority = الأغلبية والنصاب
proposals-rules-now = وفق قواعد الإجراءات النافذة حالياً:
proposals-majority-required = الأغلبية المطلوبة:
proposals-taking-part = الأعضاء المشاركون: { $n } من أصل { $of } يحق لهم التصويت.
proposals-quorum-met = اكتمل النصاب.
proposals-quorum-not-met = لم يكتمل النصاب: لم يُعتمد المقترح.
proposals-majority-met = تحققت الأغلبية المطلوبة.
proposals-majority-not-met = لم تتحقق الأغلبية المطلوبة.

## قيود السجل

proposals-entries = قيود السجل
proposals-entries-hint = كل فعل يتعلق بهذا المقترح قيدٌ موقَّع في السجل العام. افتح أي قيد لعرضه والتحقق من إثباته.
proposals-entry-submitted = قدّمه { $member }
proposals-entry-cosponsor = شارك في تقديمه { $member }
proposals-entry-objection = اعتراض من { $member }
proposals-entry-dissociation = نأي بالنفس من { $member }
proposals-entry-amendment = قُدّم التعديل { $id }
proposals-entry-vote = تصويت { $member }
proposals-entry-closed = أُغلق التصويت

## منطقة الجذر (zone.change)
proposals-action-zone-add = تفويض نطاق المستوى الأعلى
proposals-action-zone-change = تغيير تفويض نطاق المستوى الأعلى
proposals-action-zone-remove = إلغاء تفويض نطاق المستوى الأعلى
proposals-action-zone-ns = خوادم الأسماء:
proposals-action-zone-glue = العناوين اللاصقة:
proposals-action-zone-ds = سجلات `DS` ‏(`DNSSEC`):
proposals-action-zone-no-ds = لا يوجد سجل `DS`: النطاق غير موقَّع.
proposals-action-zone-sponsor = الجهة الراعية:
proposals-action-zone-checks = الفحوص التقنية التي اجتيزت عند التقديم:
proposals-result-zone = تغيّر `{ $tld }` في منطقة الجذر، الرقم التسلسلي `{ $serial }`.
zone-check-ns-count = من خادمَي أسماء إلى ثلاثة عشر خادمًا
zone-check-ns-host-names = أسماء مضيفين صالحة لخوادم الأسماء (`RFC 1123`)
zone-check-ns-reachable = كل خادم أسماء يقع تحت نطاق مستوى أعلى مفوَّض
zone-check-ns-distinct-addresses = عناوين مختلفة لخوادم الأسماء
zone-check-glue-present = سجلات لاصقة لخوادم الأسماء الواقعة تحت النطاق
zone-check-glue-consistent = سجلات لاصقة فقط للمضيفين المستخدَمين تحت النطاق
zone-check-addresses-global = لا عناوين خاصة أو محجوزة أو غير مخصَّصة
zone-check-ds-algorithm = خوارزميات `DS` معروفة ومسموح بها
zone-check-ds-digest = أنواع ملخَّص `DS` معروفة وملخَّصات بالطول الصحيح
zone-check-referral-size = الإحالة تتسع في 1232 ثُمانية مع `EDNS` وفي 512 من دونه
zone-check-limits = ضمن حدود السجل
zone-check-not-in-use = لا شيء آخر يعتمد على النطاق الملغى
