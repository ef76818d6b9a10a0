/* wd-certificate-document.h: a volunteer service record certificate
 * (志愿服务记录证明) on paper: who, the services with when, where and how
 * many hours, the total, the issuer, the date and the number. */
#pragma once

#include "wd-print-document.h"
#include "wd-store.h"

G_BEGIN_DECLS

#define WD_TYPE_CERTIFICATE_DOCUMENT (wd_certificate_document_get_type ())

G_DECLARE_FINAL_TYPE (WdCertificateDocument, wd_certificate_document, WD, CERTIFICATE_DOCUMENT,
                      WdPrintDocument)

/* certificate: its id or number. Refuses (WD_ERROR_WRONG_STATE) one still
 * waiting for its number, or revoked: a paper certificate must carry a
 * number whoever checks it can find, valid. */
WdCertificateDocument *wd_certificate_document_new (WdStore     *store,
                                                    const char  *certificate,
                                                    GError     **error);

G_END_DECLS
