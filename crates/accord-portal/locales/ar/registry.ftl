# سجل منطقة الجذر: /registry و /registry/{tld}.
nav-registry = منطقة الجذر
registry-title = سجل منطقة الجذر
registry-intro = لا تتغير تفويضات منطقة الجذر إلا بقرار من الأعضاء؛ وكل تغيير، وكل إصدار من المنطقة ينتج عنه، قيدٌ في السجل.
registry-none = لا يوجد سجل بعد: لم تستورد الأمانة منطقة جذر.
registry-serial = الرقم التسلسلي الحالي
registry-formed = التكوين
registry-cause-import = الاستيراد الأولي لمنطقة الجذر
registry-cause-change = تغيير اعتُمد بالمقترح
registry-cause-resign = إعادة التوقيع الأسبوعية
registry-published = النشر
registry-published-yes = مُثبت في القيد
registry-published-no = غير مُثبت
registry-not-published-yet = لم يُثبت نشرها بعد.
registry-sha256 = `SHA-256`
registry-trust-anchor = مرساة الثقة (`DS` لمفتاح توقيع المفاتيح)
registry-no-trust-anchor = تعذرت قراءة مفتاح توقيع المفاتيح.
registry-zone-file = ملف المنطقة الموقَّع
registry-source = ملف المنطقة المستورد
registry-versions = أحدث إصدارات المنطقة
registry-col-serial = الرقم التسلسلي
registry-col-time = الوقت
registry-col-cause = السبب
registry-col-entry = القيد
registry-col-published = النشر
registry-tlds = نطاقات المستوى الأعلى
registry-tld-count = { $count ->
    [zero] لا يوجد نطاق مستوى أعلى مفوَّض.
    [one] نطاق واحد من المستوى الأعلى مفوَّض.
    [two] نطاقان من المستوى الأعلى مفوَّضان.
    [few] { $count } نطاقات من المستوى الأعلى مفوَّضة.
    [many] { $count } نطاقًا من المستوى الأعلى مفوَّضًا.
   *[other] { $count } نطاق من المستوى الأعلى مفوَّض.
}
registry-go-label = الانتقال إلى نطاق من المستوى الأعلى
registry-go = عرض
registry-find-hint = للبحث في القائمة، استخدم خاصية البحث في متصفحك (`Ctrl+F`).
registry-col-tld = النطاق
registry-col-sponsor = الراعي
registry-col-ns = خوادم الأسماء
registry-col-signed = التوقيع
registry-signed = موقَّع
registry-unsigned = غير موقَّع
registry-unknown-tld = لا يوجد نطاق المستوى الأعلى هذا في السجل: تحقق من كتابته، أو ابحث عنه في قائمة جميع نطاقات المستوى الأعلى.
registry-ns = خوادم الأسماء (`NS`)
registry-glue = عناوين الربط
registry-no-glue = لا شيء (خوادم الأسماء خارج هذا النطاق)
registry-ds = موقِّع التفويض (`DS`)
registry-no-ds = لا يوجد سجل `DS`: النطاق غير موقَّع.
registry-ds-count = { $count ->
    [0] لا يوجد سجل `DS`
    [one] سجل `DS` واحد
    [two] سجلا `DS`
    [few] { $count } سجلات `DS`
    [many] { $count } سجلًا `DS`
   *[other] { $count } سجل `DS`
}
registry-became-removed = حُذف من المنطقة
registry-back = جميع نطاقات المستوى الأعلى
registry-tld-heading = نطاق المستوى الأعلى
registry-current = التفويض الحالي
registry-since = كما حدده القيد
registry-not-delegated = لم يعد هذا النطاق مفوَّضًا.
registry-history = سجل التفويض
registry-col-decision = القرار
registry-col-became = ما صار إليه
registry-decision-proposal = المقترح
registry-decision-import = الاستيراد الأولي
